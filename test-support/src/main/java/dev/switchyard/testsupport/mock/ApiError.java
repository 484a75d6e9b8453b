package dev.switchyard.testsupport.mock;

/** An error answer, rendered in the shape of the protocol that was called. */
record ApiError(int status, String type, String message, String param, String code) {

    static ApiError invalid(String message, String param, String code) {
        return new ApiError(400, "invalid_request_error", message, param, code);
    }

    static ApiError invalid(String message) {
        return invalid(message, null, null);
    }
}
