package io.sluice.benchmarks.perf.cli;

import io.sluice.benchmarks.perf.targets.HostPort;
import io.sluice.benchmarks.perf.targets.Targets;
import io.sluice.benchmarks.perf.tune.Tune;
import io.sluice.benchmarks.perf.workload.Durations;
import io.sluice.benchmarks.perf.workload.PartitionerKind;
import io.sluice.producer.Acks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;

/**
 * The picocli converters of {@code sluice-perf}'s options, in one place: each parses with the method that owns the
 * format ({@link Durations#parse}, {@link PartitionerKind#parse}, {@link HostPort}, ...) and turns its
 * {@link IllegalArgumentException} into picocli's one-line "Invalid value for option" message.
 */
final class Converters {
    private Converters() {
    }

    /** A picocli converter whose {@link #parse} names what is wrong with an {@link IllegalArgumentException}. */
    abstract static class Parsing<T> implements CommandLine.ITypeConverter<T> {
        abstract T parse(String value);

        @Override
        public final T convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** Converts durations with {@link Durations#parse}. */
    static final class DurationConverter extends Parsing<Duration> {
        @Override
        Duration parse(String value) {
            return Durations.parse(value);
        }
    }

    /** Converts partitioner names with {@link PartitionerKind#parse}. */
    static final class PartitionerConverter extends Parsing<PartitionerKind> {
        @Override
        PartitionerKind parse(String value) {
            return PartitionerKind.parse(value);
        }
    }

    /** Converts {@code tune}'s objectives with {@link Tune.Objective#parse}. */
    static final class ObjectiveConverter extends Parsing<Tune.Objective> {
        @Override
        Tune.Objective parse(String value) {
            return Tune.Objective.parse(value);
        }
    }

    /** Converts {@code none}, {@code appended}, {@code stored} (any case). */
    static final class AcksConverter extends Parsing<Acks> {
        @Override
        Acks parse(String value) {
            try {
                return Acks.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown acks '" + value + "'; known: none, appended, stored");
            }
        }
    }

    /** Converts a percentage, {@code 10%} or {@code 10}, to a fraction (0.1); it must be a finite number above 0. */
    static final class PercentConverter extends Parsing<Double> {
        @Override
        Double parse(String value) {
            String s = value.trim();
            String number = s.endsWith("%") ? s.substring(0, s.length() - 1).trim() : s;
            double percent;
            try {
                percent = Double.parseDouble(number);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected a percentage such as 10%, was '" + value + "'");
            }
            if (!(percent > 0) || Double.isInfinite(percent)) {
                throw new IllegalArgumentException("expected a percentage above 0%, was '" + value + "'");
            }
            return percent / 100;
        }
    }

    /** Accepts only registered target names ({@link Targets}). */
    static final class TargetConverter extends Parsing<String> {
        @Override
        String parse(String value) {
            String name = value.trim();
            if (!Targets.names().contains(name)) {
                throw new IllegalArgumentException("unknown target '" + value + "'; known targets: " + String.join(", ", Targets.names()));
            }
            return name;
        }
    }

    /** Accepts {@code host:port} (an IPv6 host in brackets) for {@code --node}. */
    static final class NodeConverter extends Parsing<String> {
        @Override
        String parse(String value) {
            String s = value.trim();
            if (!HostPort.hasPort(s) || HostPort.host(s).isBlank()) {
                throw new IllegalArgumentException("expected host:port with a port from 1 to 65535, was '" + value + "'");
            }
            return s;
        }
    }

    /** Accepts {@code host:port[,host:port...]} for {@code --bootstrap}. */
    static final class BootstrapConverter extends Parsing<String> {
        @Override
        String parse(String value) {
            List<String> bad = new ArrayList<>();
            for (String server : value.split(",", -1)) {
                String s = server.trim();
                if (!HostPort.hasPort(s)) {
                    bad.add("'" + s + "'");
                }
            }
            if (!bad.isEmpty()) {
                throw new IllegalArgumentException("expected host:port[,host:port...], " + String.join(", ", bad)
                        + " is not host:port with a port from 1 to 65535");
            }
            return value.trim();
        }
    }
}
