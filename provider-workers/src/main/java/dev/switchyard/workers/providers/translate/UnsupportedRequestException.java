package dev.switchyard.workers.providers.translate;

/**
 * The request asks for something the target model cannot do and that would change the answer's content or format
 * (tools for a model without tool calling, images for a text-only model, ...). The request moves on to the next
 * candidate, which may be able to; when none can, the client gets a 400 with the last such message.
 */
public final class UnsupportedRequestException extends IllegalArgumentException {
    public UnsupportedRequestException(String message) {
        super(message);
    }
}
