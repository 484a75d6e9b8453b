package dev.switchyard.testsupport.mock;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Anthropic refuses by model generation, as its API answers: from Claude 4.6 on, assistant prefill; from 4.7 on, thinking only adaptively
 * ({@code enabled} and {@code disabled} are refused) and no sampling fields ("`temperature` is deprecated for this
 * model."); adaptive thinking only from 4.6; {@code output_config.effort} only on Opus 4.5 and 4.6 and later, with
 * {@code max} from 4.6 and {@code xhigh} from 4.7. Written from Anthropic's answers, apart from the workers' own table.
 */
final class ClaudeGenerations {
    private static final Pattern VERSION = Pattern.compile("claude-(?:([a-z]+)-)?(\\d{1,2})(?:[-.](\\d{1,2})(?!\\d))?");

    private ClaudeGenerations() {
    }

    /** The first error of a body for this model, or null. */
    static ApiError refusal(String model, JsonNode body) {
        Matcher m = VERSION.matcher(model.toLowerCase(Locale.ROOT));
        boolean versioned = m.find();
        int version = !versioned ? 0 : Integer.parseInt(m.group(2)) * 10 + (m.group(3) == null ? 0 : Integer.parseInt(m.group(3)));
        String family = versioned ? m.group(1) : null;
        String thinking = body.path("thinking").path("type").asText("");
        if (version >= 47) {
            for (String field : List.of("temperature", "top_p", "top_k")) {
                if (body.hasNonNull(field)) {
                    return ApiError.invalid("`" + field + "` is deprecated for this model.");
                }
            }
            if (thinking.equals("enabled") || thinking.equals("disabled")) {
                return ApiError.invalid("\"thinking.type." + thinking + "\" is not supported for this model. Use "
                        + "\"thinking.type.adaptive\" and \"output_config.effort\" to control thinking behavior.");
            }
        }
        JsonNode messages = body.path("messages");
        if (version >= 46 && messages.isArray() && !messages.isEmpty()
                && "assistant".equals(messages.get(messages.size() - 1).path("role").asText())) {
            return ApiError.invalid("This model does not support assistant message prefill. The conversation must end with "
                    + "a user message.");
        }
        if (thinking.equals("adaptive") && version < 46) {
            return ApiError.invalid("\"thinking.type.adaptive\" is not supported for this model. Use \"thinking.type.enabled\" "
                    + "with \"budget_tokens\".");
        }
        JsonNode effort = body.path("output_config").path("effort");
        if (!effort.isMissingNode()) {
            List<String> levels = version >= 47 ? List.of("low", "medium", "high", "xhigh", "max")
                    : version == 46 ? List.of("low", "medium", "high", "max")
                    : version == 45 && "opus".equals(family) ? List.of("low", "medium", "high") : List.of();
            if (levels.isEmpty()) {
                return ApiError.invalid("This model does not support the effort parameter.");
            }
            if (!levels.contains(effort.asText())) {
                return ApiError.invalid("This model does not support effort level '" + effort.asText() + "'. Supported levels: "
                        + String.join(", ", levels.stream().sorted().toList()) + ".");
            }
        }
        return null;
    }
}
