package dev.minibatch.datasets;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds a dataset's files: in the caller's folder if one is given, else in {@code $MINIBATCH_DATA/<folder>},
 * the spec's system folders and {@code ~/.cache/minibatch/<folder>}, taking the first that holds all of
 * them (each plain or gzip). Files missing from the folder they belong in (the caller's, else
 * {@code $MINIBATCH_DATA}'s, else the cache) are downloaded there, until one cannot be.
 */
final class Locator {
    /** The environment a search depends on, passed in so that it can be tested. */
    record Env(String minibatchData, Path cacheHome) {
        static Env system() {
            String xdg = System.getenv("XDG_CACHE_HOME");
            Path cache = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                    : Path.of(System.getProperty("user.home"), ".cache");
            String data = System.getenv("MINIBATCH_DATA");
            return new Env(data == null || data.isBlank() ? null : data, cache.resolve("minibatch"));
        }
    }

    private Locator() {
    }

    static List<Path> searchPath(Spec spec, Path given, Env env) {
        List<Path> dirs = new ArrayList<>();
        if (given != null) {
            dirs.add(given);
            return dirs;
        }
        if (env.minibatchData() != null) {
            dirs.add(Path.of(env.minibatchData()).resolve(spec.folder()));
        }
        dirs.addAll(spec.systemDirs());
        dirs.add(env.cacheHome().resolve(spec.folder()));
        return dirs;
    }

    /** Where missing files are downloaded: never a system folder. */
    static Path downloadDir(Spec spec, Path given, Env env) {
        if (given != null) {
            return given;
        }
        return env.minibatchData() != null ? Path.of(env.minibatchData()).resolve(spec.folder())
                : env.cacheHome().resolve(spec.folder());
    }

    static MnistFormat.Files locate(Spec spec, Path given, List<URI> mirrors, Env env) throws IOException {
        List<Path> dirs = searchPath(spec, given, env);
        for (Path dir : dirs) {
            if (missing(spec, dir).isEmpty()) {
                return files(spec, dir);
            }
        }
        Path target = downloadDir(spec, given, env);
        List<RemoteFile> missing = missing(spec, target);
        if (mirrors.isEmpty()) {
            throw notFound(spec, dirs, target, missing, mirrors, null);
        }
        for (RemoteFile f : missing) {
            try {
                Downloader.download(mirrors, f, target);
            } catch (IOException e) {
                // The next files would most likely fail alike (offline, say): stop at the first.
                throw notFound(spec, dirs, target, missing(spec, target), mirrors, e);
            }
        }
        return files(spec, target);
    }

    /** The file's path in {@code dir}: gzip if present, else plain, else null. */
    static Path find(Path dir, RemoteFile f) {
        Path gz = dir.resolve(f.gzName());
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        Path plain = dir.resolve(f.name());
        return Files.isRegularFile(plain) ? plain : null;
    }

    private static List<RemoteFile> missing(Spec spec, Path dir) {
        return spec.files().stream().filter(f -> find(dir, f) == null).toList();
    }

    private static MnistFormat.Files files(Spec spec, Path dir) {
        List<RemoteFile> f = spec.files();
        return new MnistFormat.Files(find(dir, f.get(0)), find(dir, f.get(1)), find(dir, f.get(2)),
                find(dir, f.get(3)));
    }

    private static DatasetNotFoundException notFound(Spec spec, List<Path> dirs, Path target,
                                                     List<RemoteFile> missing, List<URI> mirrors,
                                                     IOException failure) {
        StringBuilder m = new StringBuilder(spec.name()).append(" is not available: missing ")
                .append(String.join(", ", missing.stream().map(RemoteFile::gzName).toList()))
                .append(" in ").append(target).append(".\nLooked in:");
        for (Path dir : dirs) {
            m.append("\n  ").append(dir).append(" (").append(spec.files().size() - missing(spec, dir).size())
                    .append(" of ").append(spec.files().size()).append(" files)");
        }
        m.append(mirrors.isEmpty() ? "\nNo mirror to download from was given."
                : "\nDownload failed: " + failure.getMessage());
        m.append("\nTo provide them: put the four files (plain or .gz) in ").append(target)
                .append(", or in the ").append(spec.folder()).append("/ folder of a directory named by the")
                .append(" MINIBATCH_DATA environment variable, or pass their folder to load(dir).");
        if (!spec.mirrors().isEmpty()) {
            m.append(" They are published at ").append(spec.mirrors().get(0)).append('.');
        }
        DatasetNotFoundException e = new DatasetNotFoundException(m.toString(), spec.name(),
                missing.stream().map(RemoteFile::gzName).toList(), target);
        if (failure != null) {
            e.initCause(failure);
        }
        return e;
    }
}
