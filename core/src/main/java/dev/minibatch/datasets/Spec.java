package dev.minibatch.datasets;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * A dataset of the MNIST family: its name, its folder under {@code $MINIBATCH_DATA} and the cache, its
 * four files (training images, training labels, test images, test labels), the mirrors that serve them
 * and read-only folders where a system package may have installed them.
 */
record Spec(String name, String folder, List<RemoteFile> files, List<URI> mirrors, List<Path> systemDirs) {
}
