package dev.switchyard.metrics.streams;

/** A user's variant in a router as of {@code atMs} (the time of one of their requests). */
public record UserAssignment(String routeId, String variantId, long atMs) {
}
