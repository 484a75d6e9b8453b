package dev.switchyard.workers.providers;

import dev.switchyard.events.ToolCallDelta;
import dev.switchyard.events.Usage;
import dev.switchyard.workers.providers.http.SseParser;
import dev.switchyard.workers.providers.http.StreamDecoder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** Collects what a decoder reports; feeds it golden streams in awkward network-sized pieces. */
public final class RecordingListener implements CallListener {
    public final List<Delta> deltas = new ArrayList<>();
    public boolean completed;
    public UpstreamFailure failure;

    @Override
    public void onDelta(Delta delta) {
        deltas.add(delta);
    }

    @Override
    public void onComplete() {
        completed = true;
    }

    @Override
    public void onError(UpstreamFailure failure) {
        this.failure = failure;
    }

    /** Feeds {@code resource} through an SSE parser into {@code decoder}, {@code pieceSize} bytes at a time. */
    public static RecordingListener decode(String resource, StreamDecoder decoder, int pieceSize) {
        byte[] bytes;
        try (InputStream in = RecordingListener.class.getResourceAsStream(resource)) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RecordingListener listener = new RecordingListener();
        SseParser parser = new SseParser();
        for (int i = 0; i < bytes.length; i += pieceSize) {
            parser.feed(Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + pieceSize)),
                    event -> decoder.onEvent(event, listener));
        }
        parser.end(event -> decoder.onEvent(event, listener));
        if (decoder.isComplete()) {
            listener.completed = true;
        }
        return listener;
    }

    public String text() {
        return deltas.stream().map(Delta::text).filter(t -> t != null).collect(Collectors.joining());
    }

    public String reasoning() {
        return deltas.stream().map(Delta::reasoning).filter(t -> t != null).collect(Collectors.joining());
    }

    public List<ToolCallDelta> toolCalls() {
        return deltas.stream().flatMap(d -> d.toolCalls().stream()).toList();
    }

    /** The concatenated argument fragments of tool call {@code index}. */
    public String arguments(int index) {
        return toolCalls().stream().filter(t -> t.getIndex() == index && t.getArguments() != null)
                .map(ToolCallDelta::getArguments).collect(Collectors.joining());
    }

    public String finishReason() {
        return deltas.stream().map(Delta::finishReason).filter(f -> f != null).reduce((a, b) -> b).orElse(null);
    }

    public Usage usage() {
        return deltas.stream().map(Delta::usage).filter(u -> u != null).reduce((a, b) -> b).orElse(null);
    }

    public String modelName() {
        return deltas.stream().map(Delta::modelName).filter(m -> m != null).findFirst().orElse(null);
    }
}
