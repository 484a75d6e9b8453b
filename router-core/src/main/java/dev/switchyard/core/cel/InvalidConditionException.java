package dev.switchyard.core.cel;

/** A route condition that does not compile, or is not boolean; the message is CEL's own. */
public final class InvalidConditionException extends RuntimeException {
    public InvalidConditionException(String message) {
        super(message);
    }
}
