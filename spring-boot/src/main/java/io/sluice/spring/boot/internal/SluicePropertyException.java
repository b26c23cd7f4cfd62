package io.sluice.spring.boot.internal;

/**
 * A {@code sluice.*} property that stops start-up: which one, its value as it may be shown (never a password or a
 * token), why, and what to do. {@link SluiceFailureAnalyzer} turns it into Boot's "Description / Action" report.
 */
public final class SluicePropertyException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String property;
    private final String value;
    private final String reason;
    private final String action;

    /**
     * @param value the value as it may be printed (already redacted)
     * @param action what the user should do; null for "set the property to a valid value"
     */
    public SluicePropertyException(String property, String value, String reason, String action, Throwable cause) {
        super(property + "=" + quoted(value) + ": " + reason, cause);
        this.property = property;
        this.value = value;
        this.reason = reason;
        this.action = action != null ? action : "Set " + property + " to a valid value in the application's configuration.";
    }

    public SluicePropertyException(String property, String value, String reason) {
        this(property, value, reason, null, null);
    }

    static String quoted(String value) {
        return value == null ? "(not set)" : "'" + value + "'";
    }

    public String property() {
        return property;
    }

    public String value() {
        return value;
    }

    public String reason() {
        return reason;
    }

    public String action() {
        return action;
    }
}
