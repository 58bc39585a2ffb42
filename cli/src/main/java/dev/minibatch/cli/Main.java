package dev.minibatch.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * {@code minibatch}: a thin shell over the library. Each sub-command parses its options, calls the
 * library and prints; errors come out as one line on stderr and a non-zero exit status, never a stack
 * trace (set {@code MINIBATCH_DEBUG=1} to see one).
 */
@Command(name = "minibatch", mixinStandardHelpOptions = true, version = "minibatch 0.1.0",
        description = "Mini-batch neural-network training for the JVM.",
        subcommands = {TrainCommand.class, LrFindCommand.class, EvaluateCommand.class, PredictCommand.class, ShowCommand.class,
                BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    /** Exit status for a run that failed (bad data, a diverged model); 2 is picocli's for bad options. */
    static final int FAILED = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: train, lr-find, "
                + "evaluate, predict, show or bench");
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given streams and returns the exit status (for tests). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
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
