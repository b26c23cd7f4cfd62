/**
 * Runnable examples: each a picocli command of {@link io.sluice.examples.SluiceExamples}, short enough to read in a
 * few minutes, printing what it does as it goes and a summary block ({@link io.sluice.examples.Summary}) at the end.
 * Run one with {@code java -jar examples/target/sluice-examples.jar NAME [options]}; with no name it lists them.
 */
package io.sluice.examples;
