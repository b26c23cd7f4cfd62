package io.sluice.benchmarks.perf.workload;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A send rate that changes over the run ({@code --profile}), as load-testing tools offer: steps, a ramp, a spike. It
 * is a list of segments, each a duration over which the rate goes linearly from one value to another (a step is a
 * segment whose rate does not change), and it gives every record its intended send time: record {@code n} is due when
 * the records the profile asked for since the start reach {@code n + 1}. The fixed-rate pacer sends by those times, so
 * a target that falls behind shows it in its latency, as at a fixed {@code --rate}.
 *
 * <p>The forms, rates with an optional {@code k} (thousands) or {@code m} (millions), durations as {@code --duration}:
 * <ul>
 *   <li>{@code step:10k,50k,100k/10s}: each rate for 10 s in turn (30 s in all);</li>
 *   <li>{@code ramp:0-200k/60s}: from 0 to 200,000/s, linearly, over 60 s;</li>
 *   <li>{@code spike:50k,250k@30s/5s}: 50,000/s, 250,000/s from 30 s for 5 s, then 50,000/s again for as long as
 *       before the spike (65 s in all).</li>
 * </ul>
 *
 * @param spec     the text it was parsed from
 * @param segments the segments, in order
 */
public record LoadProfile(String spec, List<Segment> segments) {
    private static final String FORMS = "step:RATE,RATE,.../EACH, ramp:FROM-TO/OVER or spike:BASE,PEAK@AT/FOR"
            + " (e.g. step:10k,50k,100k/10s, ramp:0-200k/60s, spike:50k,250k@30s/5s)";

    /**
     * One stretch of the profile: the rate goes linearly from {@code fromRate} to {@code toRate} records/s over
     * {@code duration}.
     */
    public record Segment(Duration duration, double fromRate, double toRate) {
        /** Records asked for in the first {@code seconds} of this segment. */
        double recordsIn(double seconds) {
            double length = duration.toNanos() / 1e9;
            return fromRate * seconds + (toRate - fromRate) * seconds * seconds / (2 * length);
        }

        /** Records asked for in the whole segment. */
        double records() {
            return recordsIn(duration.toNanos() / 1e9);
        }

        /** The time into this segment when {@code records} have been asked for (the inverse of {@link #recordsIn}). */
        double secondsFor(double records) {
            double length = duration.toNanos() / 1e9;
            double slope = (toRate - fromRate) / length;
            if (Math.abs(slope) < 1e-12) {
                return records / fromRate;
            }
            // slope/2 t^2 + fromRate t - records = 0, the root within the segment
            double t = (-fromRate + Math.sqrt(Math.max(0, fromRate * fromRate + 2 * slope * records))) / slope;
            return Math.min(length, Math.max(0, t));
        }
    }

    public LoadProfile {
        segments = List.copyOf(segments);
    }

    /**
     * Parses a profile.
     *
     * @throws IllegalArgumentException naming what is wrong and the forms it accepts
     */
    public static LoadProfile parse(String spec) {
        String s = spec == null ? "" : spec.trim().toLowerCase(Locale.ROOT);
        int colon = s.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("--profile '" + spec + "' has no kind: expected " + FORMS);
        }
        String kind = s.substring(0, colon);
        String body = s.substring(colon + 1);
        List<Segment> segments = switch (kind) {
            case "step" -> steps(spec, body);
            case "ramp" -> ramp(spec, body);
            case "spike" -> spike(spec, body);
            default -> throw new IllegalArgumentException("--profile '" + spec + "': unknown kind '" + kind + "': expected " + FORMS);
        };
        LoadProfile profile = new LoadProfile(spec.trim(), segments);
        if (profile.records() < 1) {
            throw new IllegalArgumentException("--profile '" + spec + "' sends no record: give a rate above 0");
        }
        return profile;
    }

    private static List<Segment> steps(String spec, String body) {
        String[] parts = split(spec, body, '/', "step:RATE,RATE,.../EACH");
        Duration each = duration(spec, parts[1], "the time of each step");
        List<Segment> segments = new ArrayList<>();
        for (String rate : parts[0].split(",", -1)) {
            double r = rate(spec, rate);
            segments.add(new Segment(each, r, r));
        }
        return segments;
    }

    private static List<Segment> ramp(String spec, String body) {
        String[] parts = split(spec, body, '/', "ramp:FROM-TO/OVER");
        String[] rates = parts[0].split("-", -1);
        if (rates.length != 2) {
            throw new IllegalArgumentException("--profile '" + spec + "': a ramp is FROM-TO/OVER, e.g. ramp:0-200k/60s");
        }
        return List.of(new Segment(duration(spec, parts[1], "the ramp's time"), rate(spec, rates[0]), rate(spec, rates[1])));
    }

    private static List<Segment> spike(String spec, String body) {
        String[] parts = split(spec, body, '/', "spike:BASE,PEAK@AT/FOR");
        String[] at = parts[0].split("@", -1);
        String[] rates = at[0].split(",", -1);
        if (at.length != 2 || rates.length != 2) {
            throw new IllegalArgumentException("--profile '" + spec + "': a spike is BASE,PEAK@AT/FOR, e.g. spike:50k,250k@30s/5s");
        }
        double base = rate(spec, rates[0]);
        double peak = rate(spec, rates[1]);
        Duration before = duration(spec, at[1], "the spike's start");
        Duration length = duration(spec, parts[1], "the spike's length");
        return List.of(new Segment(before, base, base), new Segment(length, peak, peak), new Segment(before, base, base));
    }

    private static String[] split(String spec, String body, char separator, String form) {
        int i = body.lastIndexOf(separator);
        if (i < 0) {
            throw new IllegalArgumentException("--profile '" + spec + "' is not " + form);
        }
        return new String[] {body.substring(0, i), body.substring(i + 1)};
    }

    private static double rate(String spec, String text) {
        String t = text.trim();
        double scale = 1;
        if (t.endsWith("k")) {
            scale = 1e3;
            t = t.substring(0, t.length() - 1);
        } else if (t.endsWith("m")) {
            scale = 1e6;
            t = t.substring(0, t.length() - 1);
        }
        double r;
        try {
            r = Double.parseDouble(t) * scale;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--profile '" + spec + "': '" + text + "' is not a rate (records/s, e.g. 5000, 50k, 1.5m)");
        }
        if (!(r >= 0) || r > Workload.MAX_RECORDS) {
            throw new IllegalArgumentException("--profile '" + spec + "': rate '" + text + "' must be between 0 and " + Workload.MAX_RECORDS);
        }
        return r;
    }

    private static Duration duration(String spec, String text, String what) {
        Duration d;
        try {
            d = Durations.parse(text.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--profile '" + spec + "': " + what + " '" + text + "' is not a duration (e.g. 10s, 500ms, 1m)");
        }
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("--profile '" + spec + "': " + what + " must be positive, was '" + text + "'");
        }
        return d;
    }

    /** The whole profile's length. */
    public Duration duration() {
        Duration d = Duration.ZERO;
        for (Segment s : segments) {
            d = d.plus(s.duration());
        }
        return d;
    }

    /** The records the whole profile asks for. */
    public long records() {
        double n = 0;
        for (Segment s : segments) {
            n += s.records();
        }
        return (long) Math.floor(n);
    }

    /** The records per second the whole profile asks for on average. */
    public long meanRate() {
        return Math.max(1, Math.round(records() / (duration().toNanos() / 1e9)));
    }

    /** When record {@code seq} (from 0) is due, in nanoseconds from the start. */
    public long dueNanos(long seq) {
        double wanted = seq + 1;
        double elapsed = 0;
        for (Segment s : segments) {
            double n = s.records();
            if (wanted <= n) {
                return Math.round((elapsed + s.secondsFor(wanted)) * 1e9);
            }
            wanted -= n;
            elapsed += s.duration().toNanos() / 1e9;
        }
        return Math.round(elapsed * 1e9);
    }

    /** The records asked for between {@code fromSeconds} and {@code toSeconds} after the start. */
    public double recordsBetween(double fromSeconds, double toSeconds) {
        return recordsBy(toSeconds) - recordsBy(fromSeconds);
    }

    private double recordsBy(double seconds) {
        double n = 0;
        double start = 0;
        for (Segment s : segments) {
            double length = s.duration().toNanos() / 1e9;
            if (seconds <= start + length) {
                return n + s.recordsIn(Math.max(0, seconds - start));
            }
            n += s.records();
            start += length;
        }
        return n;
    }

    /** One line for humans, e.g. {@code ramp:0-200k/60s (0 to 200,000 msgs/s over 60 s, 6,000,000 records)}. */
    public String describe() {
        return String.format(Locale.ROOT, "profile %s (%s, %,d records, %,d msgs/s on average)", spec, Durations.format(duration()),
                records(), meanRate());
    }
}
