package io.sluice.examples;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar examples/target/sluice-examples.jar}: with no argument lists the examples, one line on each;
 * {@code NAME [options]} runs one ({@code NAME --help} lists its options).
 */
@Command(name = "sluice-examples", mixinStandardHelpOptions = true, version = "sluice-examples 0",
        usageHelpWidth = 110, commandListHeading = "%nExamples:%n",
        description = "Runs one of Sluice's examples; each prints what it does and ends with a summary of key: value lines.",
        footer = {"", "Run one: java -jar examples/target/sluice-examples.jar NAME [options]; NAME --help lists its options."},
        subcommands = {OrderService.class, Notifications.class, LogCollection.class, DataSync.class,
                LoadBalancing.class, ConcurrencyExample.class, StorageExample.class})
public final class SluiceExamples implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with every example, for {@link #main} and tests. */
    public static CommandLine commandLine() {
        return new CommandLine(new SluiceExamples());
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }
}
