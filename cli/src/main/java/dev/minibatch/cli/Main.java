package dev.minibatch.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code minibatch}: a thin shell over the library. Each sub-command parses its options, calls the
 * library and prints; errors come out as one line on stderr and a non-zero exit status, never a stack
 * trace (set {@code MINIBATCH_DEBUG=1} to see one).
 */
@Command(name = "minibatch", mixinStandardHelpOptions = true, version = "minibatch 0.1.0",
        description = "Mini-batch neural-network training for the JVM.")
public final class Main implements Runnable {
    /** Exit status for a run that failed (bad data, a diverged model); 2 is picocli's for bad options. */
    static final int FAILED = 1;
    /** The sub-commands, in the usage message's order ({@code help} comes last). */
    private static final List<Class<?>> COMMANDS = List.of(TrainCommand.class, LrFindCommand.class,
            EvaluateCommand.class, PredictCommand.class, ShowCommand.class, BenchCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: train, lr-find, "
                + "evaluate, predict, show or bench");
    }

    public static void main(String[] args) {
        // Every image the commands make is a file: with a DISPLAY set, the JVM would otherwise open that X
        // server to draw one, and fail when it cannot be reached (a stale DISPLAY over ssh).
        System.setProperty("java.awt.headless", "true");
        if (asksForUsage(args)) {
            System.out.print(usage());
            System.exit(0);
        }
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** {@code minibatch --help}, {@code -h} or {@code help}: the usage message, and nothing else. */
    static boolean asksForUsage(String[] args) {
        return args.length == 1 && (args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help"));
    }

    /**
     * The usage message as picocli renders it, stored in {@code usage.txt} ({@code MainTest} checks that it
     * still is): picocli's start-up (its type converters, then every option's annotations) was most of
     * {@code minibatch --help}'s time (docs/kernels.md), and a user who asks for help should not wait for it.
     */
    static String usage() {
        try (InputStream in = Main.class.getResourceAsStream("usage.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the command line with the given streams and returns the exit status (for tests). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = commandLine(args);
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((e, arguments) -> {
            CommandLine line = e.getCommandLine();
            String name = line.getCommandSpec().qualifiedName();
            line.getErr().println(name + ": " + e.getMessage() + " (see '" + name + " --help')");
            return line.getCommandSpec().exitCodeOnInvalidInput();
        });
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println(line.getCommandSpec().qualifiedName() + ": " + message(e));
            if (System.getenv("MINIBATCH_DEBUG") != null) {
                e.printStackTrace(line.getErr());
            }
            return FAILED;
        });
        return cl.execute(args);
    }

    /**
     * The command line for these arguments. Only the sub-command they name is built in full: picocli reads
     * every option's annotations when it builds a command, which took most of {@code minibatch --help}'s
     * time when all six were built. The others are only named and described, as the usage message lists them.
     */
    static CommandLine commandLine(String[] args) {
        String named = commandNamed(args);
        CommandLine cl = new CommandLine(new Main());
        for (Class<?> c : COMMANDS) {
            Command command = c.getAnnotation(Command.class);
            cl.addSubcommand(command.name(), command.name().equals(named) ? c : outline(command));
        }
        return cl.addSubcommand("help", new CommandLine.HelpCommand());
    }

    /** The first argument that is not an option, or the one after {@code help}. */
    private static String commandNamed(String[] args) {
        boolean help = false;
        for (String a : args) {
            if (a.startsWith("-")) {
                continue;
            }
            if (!help && a.equals("help")) {
                help = true;
                continue;
            }
            return a;
        }
        return null;
    }

    /** A sub-command's name and description, all the usage message shows of it. */
    private static CommandLine.Model.CommandSpec outline(Command command) {
        CommandLine.Model.CommandSpec spec = CommandLine.Model.CommandSpec.create().name(command.name());
        spec.usageMessage().description(command.description());
        return spec;
    }

    /** The exception's own message, with its causes' where they add something. */
    static String message(Throwable e) {
        StringBuilder sb = new StringBuilder(e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c.getMessage() != null && !sb.toString().contains(c.getMessage())) {
                sb.append(": ").append(c.getMessage());
            }
        }
        return sb.toString();
    }
}
