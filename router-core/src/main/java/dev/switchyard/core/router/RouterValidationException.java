package dev.switchyard.core.router;

/** A router definition that cannot be accepted: {@code field} is the JSON path of the culprit, e.g. {@code routes[1].condition.cel_expression}. */
public final class RouterValidationException extends RuntimeException {
    private final String field;

    public RouterValidationException(String field, String reason) {
        super(field + ": " + reason);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
