package dev.switchyard.schemas.registry;

/** The registry could not be reached or refused a call; {@link #status()} is the HTTP status, or -1. */
public final class SchemaRegistryException extends RuntimeException {
    private final int status;

    public SchemaRegistryException(String message, Throwable cause) {
        super(message, cause);
        this.status = -1;
    }

    public SchemaRegistryException(String message) {
        super(message);
        this.status = -1;
    }

    public SchemaRegistryException(String message, int status) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
