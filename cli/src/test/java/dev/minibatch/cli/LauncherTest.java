package dev.minibatch.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The launcher script {@code minibatch} under a pseudo-terminal ({@code script}), with a stand-in for
 * {@code java} that draws a progress bar as the real one does: carriage-return redraws, the newline only at
 * the end of the epoch.
 */
class LauncherTest {
    /**
     * The stand-in draws "1/2", then waits (up to 20 s) for the terminal to show it before drawing "2/2"
     * and ending the line; a filter that held the redraws until the newline would make it wait in vain.
     */
    private static final String FAKE_JAVA = """
            #!/usr/bin/env bash
            echo "WARNING: Using incubator modules: jdk.incubator.vector" >&2
            printf 'epoch 1/1 batch 1/2' >&2
            for i in $(seq 200); do [ -e "$SEEN" ] && break; sleep 0.1; done
            if [ -e "$SEEN" ]; then printf '\\repoch 1/1 batch 2/2 drawn in time\\n' >&2
            else printf '\\repoch 1/1 batch 2/2 held back\\n' >&2; fi
            echo "epoch 1/1 summary"
            exit 3
            """;

    @Test
    void theProgressBarsRedrawsReachTheTerminalAsTheyAreDrawn(@TempDir Path dir) throws Exception {
        Path launcher = installLauncher(dir);
        Path seen = dir.resolve("seen");
        ProcessBuilder pb = new ProcessBuilder("script", "-qefc", launcher.toString(), "/dev/null");
        pb.environment().put("PATH", dir.resolve("bin") + ":" + System.getenv("PATH"));
        pb.environment().put("SEEN", seen.toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String terminal = readAll(p.getInputStream(), "batch 1/2", seen);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the launcher ended");
        assertTrue(terminal.contains("batch 2/2 drawn in time"), terminal);
        assertTrue(terminal.contains("epoch 1/1 summary"), terminal);
        assertFalse(terminal.contains("WARNING: Using incubator"), "the JVM's warning is dropped: " + terminal);
        assertEquals(3, p.exitValue(), "the launcher exits with Java's status");
    }

    /** A stand-in java that records its arguments, writes the archive it is asked for, and exits with $STATUS. */
    private static final String RECORDING_JAVA = """
            #!/usr/bin/env bash
            printf '%s\\n' "$@" > "$ARGS"
            for a in "$@"; do
                case "$a" in -XX:ArchiveClassesAtExit=*) echo archive > "${a#-XX:ArchiveClassesAtExit=}" ;; esac
            done
            exit "$STATUS"
            """;

    /**
     * The first successful {@code train} after a build writes the class-data archive, later runs map it; a
     * failed run's archive is dropped, and an archive older than the jar is not used.
     */
    @Test
    void theFirstSuccessfulTrainWritesTheClassArchiveThatLaterRunsUse(@TempDir Path dir) throws Exception {
        Path launcher = installLauncher(dir, RECORDING_JAVA);
        Path jsa = dir.resolve("cli/target/minibatch.jsa");
        assertTrue(run(launcher, dir, 1, "train").contains("-XX:ArchiveClassesAtExit="));
        assertFalse(Files.exists(jsa), "a failed run leaves no archive");
        assertFalse(run(launcher, dir, 0, "evaluate").contains("-XX:ArchiveClassesAtExit="), "only train writes one");
        assertTrue(run(launcher, dir, 0, "train").contains("-XX:ArchiveClassesAtExit="));
        assertTrue(Files.exists(jsa));
        Files.setLastModifiedTime(jsa, FileTime.from(Instant.now().plus(2, ChronoUnit.HOURS)));
        assertTrue(run(launcher, dir, 0, "evaluate").contains("-XX:SharedArchiveFile=" + jsa));
        Files.setLastModifiedTime(jsa, FileTime.from(Instant.now()));
        String stale = run(launcher, dir, 0, "train");
        assertFalse(stale.contains("-XX:SharedArchiveFile="), "an archive older than the jar is not used: " + stale);
        assertTrue(stale.contains("-XX:ArchiveClassesAtExit="), stale);
    }

    /**
     * A benchmark's harness (MINIBATCH_MAIN) runs with the jar on its class path and the launcher's flags; it
     * never writes the class-data archive, and maps it when it is fresh.
     */
    @Test
    void aHarnessRunsWithTheJarOnItsClassPathAndWritesNoArchive(@TempDir Path dir) throws Exception {
        Path launcher = installLauncher(dir, RECORDING_JAVA);
        Path jar = dir.resolve("cli/target/minibatch.jar");
        Map<String, String> harness = Map.of("MINIBATCH_MAIN", "bench/WarmJob.java");
        List<String> args = List.of(run(launcher, dir, 0, harness, "3", "train").split("\n"));
        int cp = args.indexOf("-cp");
        assertEquals(List.of("-cp", jar.toString(), "bench/WarmJob.java", "3", "train"), args.subList(cp, args.size()));
        assertFalse(args.contains("-jar"), args.toString());
        assertTrue(args.contains("--add-modules") && args.contains("-XX:-UseLoopPredicate"), "the launcher's flags");
        assertFalse(args.stream().anyMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit=")), args.toString());

        run(launcher, dir, 0, Map.of(), "train");
        Path jsa = dir.resolve("cli/target/minibatch.jsa");
        Files.setLastModifiedTime(jsa, FileTime.from(Instant.now().plus(2, ChronoUnit.HOURS)));
        assertTrue(run(launcher, dir, 0, harness, "3").contains("-XX:SharedArchiveFile=" + jsa));
    }

    /**
     * Huge pages (where the kernel offers them) only for long jobs: an MLP's 20 epochs and more, a CNN, `bench`;
     * a short job could lose more compacting memory for them at start than its epochs gain.
     */
    @Test
    void asksForHugePagesOnlyForLongJobs(@TempDir Path dir) throws Exception {
        String offered = Files.exists(Path.of("/sys/kernel/mm/transparent_hugepage/enabled"))
                ? Files.readString(Path.of("/sys/kernel/mm/transparent_hugepage/enabled")) : "";
        assumeTrue(offered.contains("[always]") || offered.contains("[madvise]"), "this kernel offers no huge pages");
        Path launcher = installLauncher(dir, RECORDING_JAVA);
        String thp = "-XX:+UseTransparentHugePages";
        assertFalse(run(launcher, dir, 0, "train").contains(thp), "the README's 5 epochs");
        assertFalse(run(launcher, dir, 0, "train", "--epochs", "19").contains(thp));
        assertFalse(run(launcher, dir, 0, "evaluate").contains(thp));
        assertTrue(run(launcher, dir, 0, "train", "--epochs", "20").contains(thp));
        assertTrue(run(launcher, dir, 0, "train", "--epochs=50", "--hidden", "800").contains(thp));
        assertTrue(run(launcher, dir, 0, "train", "--model", "cnn").contains(thp));
        assertTrue(run(launcher, dir, 0, "bench", "--models", "lesson").contains(thp));
        assertFalse(run(launcher, dir, 0, "train", "--epochs", "many").contains(thp), "picocli refuses it");
    }

    /**
     * A short job's Vector API kernels are compiled at their first calls while the caller waits, instead of running
     * as boxed Java code until C2 gets to them; long jobs compile as usual (a thin profile cost the steady step 6%).
     */
    @Test
    void compilesTheKernelsAtTheirFirstCallsOnlyForShortJobs(@TempDir Path dir) throws Exception {
        Path launcher = installLauncher(dir, RECORDING_JAVA);
        List<String> early = List.of("-XX:CompileCommand=CompileThresholdScaling,dev.minibatch.tensor.Vector*::*,0.01",
                "-XX:CompileCommand=BackgroundCompilation,dev.minibatch.tensor.Vector*::*,false");
        assertTrue(args(launcher, dir, "train").containsAll(early), "the README's 5 epochs");
        assertTrue(args(launcher, dir, "train", "--epochs", "19", "--hidden", "800").containsAll(early));
        assertTrue(args(launcher, dir, "evaluate").containsAll(early));
        for (String[] job : new String[][] {{"train", "--epochs", "20"}, {"train", "--model", "cnn"}, {"bench"}}) {
            List<String> args = args(launcher, dir, job);
            assertTrue(early.stream().noneMatch(args::contains), String.join(" ", job) + ": " + args);
            assertTrue(args.contains("-XX:CompileCommand=MaxNodeLimit,jdk.internal.org.objectweb.asm.*::*,1"),
                    "no job compiles ASM with C2: " + args);
        }
    }

    private static List<String> args(Path launcher, Path dir, String... args) throws Exception {
        return List.of(run(launcher, dir, 0, args).split("\n"));
    }

    /**
     * A source newer than the jar makes the launcher build; a build that finds nothing to change leaves the jar and
     * its date as they were, and the next run must not build again.
     */
    @Test
    void buildsOnceWhenASourceIsNewerThanTheJar(@TempDir Path dir) throws Exception {
        Path launcher = installLauncher(dir, RECORDING_JAVA);
        Path builds = dir.resolve("builds");
        Path mvn = Files.writeString(dir.resolve("bin/mvn"), "#!/usr/bin/env bash\necho build >> \"$BUILDS\"\n");
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path source = Files.writeString(dir.resolve("core/src/main/Touched.java"), "");
        Path jar = dir.resolve("cli/target/minibatch.jar");
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().minus(2, ChronoUnit.HOURS)));
        Files.setLastModifiedTime(source, FileTime.from(Instant.now().minus(1, ChronoUnit.HOURS)));
        Map<String, String> env = Map.of("BUILDS", builds.toString());
        run(launcher, dir, 0, env, "evaluate");
        run(launcher, dir, 0, env, "evaluate");
        assertEquals(List.of("build"), Files.readAllLines(builds), "one build for one change");
    }

    /** Runs the launcher with the recording java; returns the arguments java was given. */
    private static String run(Path launcher, Path dir, int status, String... args) throws Exception {
        return run(launcher, dir, status, Map.of(), args);
    }

    private static String run(Path launcher, Path dir, int status, Map<String, String> env, String... args)
            throws Exception {
        Path recorded = dir.resolve("args");
        ProcessBuilder pb = new ProcessBuilder(launcher.toString());
        pb.command().addAll(java.util.List.of(args));
        pb.environment().putAll(env);
        pb.environment().put("PATH", dir.resolve("bin") + ":" + System.getenv("PATH"));
        pb.environment().put("ARGS", recorded.toString());
        pb.environment().put("STATUS", Integer.toString(status));
        pb.redirectErrorStream(true);
        Process p = pb.start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the launcher ended");
        assertEquals(status, p.exitValue());
        return Files.readString(recorded);
    }

    /** A copy of the launcher beside a stand-in jar newer than its (empty) sources, and the stand-in java. */
    private static Path installLauncher(Path dir) throws IOException {
        return installLauncher(dir, FAKE_JAVA);
    }

    private static Path installLauncher(Path dir, String fakeJava) throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        Path launcher = Files.copy(root.resolve("minibatch"), dir.resolve("minibatch"));
        for (String d : new String[] {"core/src/main", "cli/src/main", "bin", "cli/target"}) {
            Files.createDirectories(dir.resolve(d));
        }
        for (String pom : new String[] {"pom.xml", "core/pom.xml", "cli/pom.xml"}) {
            Files.writeString(dir.resolve(pom), "");
        }
        Path jar = Files.writeString(dir.resolve("cli/target/minibatch.jar"), "");
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plus(1, ChronoUnit.HOURS)));
        Path java = Files.writeString(dir.resolve("bin/java"), fakeJava);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return launcher;
    }

    /** Everything the terminal shows; {@code marker} is created as soon as {@code awaited} has been shown. */
    private static String readAll(InputStream in, String awaited, Path marker) throws IOException {
        ByteArrayOutputStream shown = new ByteArrayOutputStream();
        byte[] buf = new byte[256];
        for (int n; (n = in.read(buf)) >= 0; ) {
            shown.write(buf, 0, n);
            if (!Files.exists(marker) && shown.toString(StandardCharsets.UTF_8).contains(awaited)) {
                Files.createFile(marker);
            }
        }
        return shown.toString(StandardCharsets.UTF_8);
    }
}
