package dev.switchyard.launcher.compat;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/** A server-sent event stream as a client reads it: each event's {@code event:} name and its JSON data. */
record Sse(List<Event> events) {

    record Event(String name, JsonNode data) {
        String type() {
            return data.path("type").asText("");
        }
    }

    static Sse parse(String body) {
        List<Event> events = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            String name = null;
            StringBuilder data = new StringBuilder();
            for (String line : block.split("\n")) {
                if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data.append(line.substring(6));
                }
            }
            if (data.length() > 0 && !data.toString().equals("[DONE]")) {
                events.add(new Event(name, CompatStack.json(data.toString())));
            }
        }
        return new Sse(events);
    }

    List<String> names() {
        return events.stream().map(Event::name).toList();
    }

    List<Event> ofType(String type) {
        return events.stream().filter(e -> e.type().equals(type)).toList();
    }

    Event first(String type) {
        return events.stream().filter(e -> e.type().equals(type)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " event in " + names()));
    }

    Event last() {
        return events.get(events.size() - 1);
    }

    /**
     * The Anthropic event names with consecutive duplicates collapsed ({@code content_block_delta} runs become one), to
     * compare a stream's shape with the documented sequence.
     */
    List<String> shape() {
        List<String> shape = new ArrayList<>();
        for (Event event : events) {
            String step = event.type();
            if (step.equals("content_block_start") || step.equals("content_block_delta")) {
                String kind = step.equals("content_block_start") ? event.data().path("content_block").path("type").asText()
                        : event.data().path("delta").path("type").asText();
                step = step + ":" + kind;
            }
            if (shape.isEmpty() || !shape.get(shape.size() - 1).equals(step)) {
                shape.add(step);
            }
        }
        return shape;
    }
}
