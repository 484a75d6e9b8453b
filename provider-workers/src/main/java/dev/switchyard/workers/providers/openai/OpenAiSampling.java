package dev.switchyard.workers.providers.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchyard.core.catalog.CatalogModel;
import dev.switchyard.events.ChatRequest;

import java.util.List;
import java.util.Optional;

/**
 * Temperature, top_p and logprobs on OpenAI models, for the chat and the Responses builders alike. A reasoning model
 * takes them only where {@link ReasoningLevels} says it samples (gpt-5.1 and later at effort none, their default);
 * elsewhere OpenAI refuses a temperature or top_p other than 1 and any logprobs, so they are dropped with a note.
 */
public final class OpenAiSampling {
    private OpenAiSampling() {
    }

    /**
     * @param effort        the reasoning effort sent, or null (the model's default)
     * @param logprobFields the API's logprob fields in {@code body} (the client's own, copied before)
     */
    public static void apply(ChatRequest request, CatalogModel model, boolean reasoningModel, Optional<ReasoningLevels> levels,
                             String effort, ObjectNode body, List<String> logprobFields, List<String> notes) {
        boolean samples = !reasoningModel || levels.map(l -> l.acceptsSampling(effort)).orElse(false);
        boolean atNoneOnly = levels.map(ReasoningLevels::samplingWithoutReasoning).orElse(false);
        String dropped = " dropped: " + model.id() + (atNoneOnly ? " takes it only at reasoning effort none" : " is a reasoning model");
        String notDefault = dropped + (atNoneOnly ? "" : " and takes only the default (1)");
        put(body, "temperature", request.getTemperature(), samples, notDefault, notes);
        put(body, "top_p", request.getTopP(), samples, notDefault, notes);
        if (!samples) {
            for (String field : logprobFields) {
                if (body.remove(field) != null) {
                    notes.add(field + dropped + (atNoneOnly ? "" : " and refuses it"));
                }
            }
        }
    }

    private static void put(ObjectNode body, String field, Double value, boolean samples, String dropped, List<String> notes) {
        if (value == null) {
            return;
        }
        if (samples || value == 1.0) {
            body.put(field, value);
        } else {
            notes.add(field + " " + value + dropped);
        }
    }
}
