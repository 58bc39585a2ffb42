package dev.minibatch;

import jdk.jshell.DeclarationSnippet;
import jdk.jshell.Diag;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's Java snippets compile as shown, in reading order, with the imports they show: JShell takes
 * each block's imports and classes as they are, and its statements as the body of a method, so that they
 * are compiled, not run. Only Java's own imports and the variables a snippet takes from the reader's program
 * ({@code x}, {@code params}, {@code opt}, ...) are given here; a line {@code ...} stands for elided code.
 */
class ReadmeTest {
    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL);
    private static final List<String> PRELUDE = List.of(
            "import java.util.*;",
            "import java.nio.file.*;",
            "dev.minibatch.tensor.Tensor x, y;",
            "int n, bs;",
            "List<dev.minibatch.tensor.Tensor> params;",
            "dev.minibatch.nn.Module model;",
            "dev.minibatch.optim.Optimizer opt;",
            "dev.minibatch.datasets.Splits mnist;");

    @Test
    void everyJavaSnippetCompilesWithTheImportsItShows() throws IOException {
        List<String> blocks = javaBlocks(Files.readString(Path.of("..", "README.md")));
        assertTrue(blocks.size() >= 5, "the README's Java blocks: " + blocks.size());
        try (JShell shell = JShell.builder().executionEngine("local").build()) {
            shell.addToClasspath(Path.of("target", "classes").toAbsolutePath().toString());
            for (String s : PRELUDE) {
                assertValid(shell, s, "the test's prelude");
            }
            for (int b = 0; b < blocks.size(); b++) {
                compile(shell, blocks.get(b), b + 1);
            }
        }
    }

    static List<String> javaBlocks(String markdown) {
        List<String> blocks = new ArrayList<>();
        Matcher m = JAVA_BLOCK.matcher(markdown);
        while (m.find()) {
            blocks.add(m.group(1).replaceAll("(?m)^\\s*\\.\\.\\.\\s*$", ""));
        }
        return blocks;
    }

    /** Declarations go in as they are; statements become the body of a method, compiled and never called. */
    private static void compile(JShell shell, String block, int number) {
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        StringBuilder statements = new StringBuilder();
        String rest = block;
        while (!rest.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
            assertEquals(SourceCodeAnalysis.Completeness.COMPLETE, info.completeness(),
                    "README Java block " + number + " does not parse at: " + rest);
            String source = info.source();
            Snippet.Kind kind = analysis.sourceToSnippets(source).get(0).kind();
            if (kind == Snippet.Kind.IMPORT || kind == Snippet.Kind.TYPE_DECL || kind == Snippet.Kind.METHOD) {
                assertValid(shell, source, "README Java block " + number);
            } else {
                statements.append(source).append('\n');
            }
            rest = info.remaining();
        }
        if (!statements.isEmpty()) {
            assertValid(shell, "void readmeBlock" + number + "() throws Exception {\n" + statements + "}",
                    "README Java block " + number);
        }
    }

    private static void assertValid(JShell shell, String source, String where) {
        for (SnippetEvent e : shell.eval(source)) {
            if (e.exception() != null || e.status() != Snippet.Status.VALID) {
                StringBuilder problems = new StringBuilder();
                shell.diagnostics(e.snippet()).forEach((Diag d) -> problems.append(d.getMessage(null)).append('\n'));
                if (e.snippet() instanceof DeclarationSnippet d) {
                    shell.unresolvedDependencies(d).forEach(name -> problems.append("cannot find ").append(name).append('\n'));
                }
                throw new AssertionError(where + " does not compile (" + e.status() + ", " + e.exception() + "): "
                        + problems + "in:\n" + source);
            }
        }
    }
}
