package dev.minibatch.train;

import dev.minibatch.io.AtomicFiles;
import dev.minibatch.nn.Module;
import dev.minibatch.optim.LRScheduler;
import dev.minibatch.optim.Optimizer;
import dev.minibatch.tensor.Generator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Saves a {@link Checkpoint} into a directory after every epoch, replacing the previous one atomically. A
 * folder that cannot be written fails the run before its first epoch; a write that fails later (a full
 * disk) fails the run at that epoch, leaving the previous checkpoint whole.
 */
public final class CheckpointCallback implements Callback {
    private final Path dir;
    private final Module model;
    private final Optimizer optimizer;
    private final LRScheduler scheduler;
    private final Generator generator;
    private final Map<String, String> settings;

    /**
     * @param generator the training loader's shuffle generator ({@link DataLoaders#generator()})
     * @param settings  stored with the checkpoint, for whoever resumes the run
     */
    public CheckpointCallback(Path dir, Module model, Optimizer optimizer, Generator generator,
            Map<String, String> settings) {
        this(dir, model, optimizer, null, generator, settings);
    }

    /** A checkpoint that also saves {@code scheduler}'s state (which may be null), so a schedule resumes. */
    public CheckpointCallback(Path dir, Module model, Optimizer optimizer, LRScheduler scheduler, Generator generator,
            Map<String, String> settings) {
        this.dir = dir;
        this.model = model;
        this.optimizer = optimizer;
        this.scheduler = scheduler;
        this.generator = generator;
        this.settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /** Checks that the folder can be written, so that a run that cannot save fails before its first epoch. */
    @Override
    public void beforeFit(Learner learner) {
        try {
            AtomicFiles.checkWritable(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void afterEpoch(Learner learner) {
        try {
            Checkpoint.save(dir, model, optimizer, scheduler, generator, learner.history(), settings);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
