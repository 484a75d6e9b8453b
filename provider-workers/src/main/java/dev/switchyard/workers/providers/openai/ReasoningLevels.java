package dev.switchyard.workers.providers.openai;

import dev.switchyard.workers.providers.translate.ReasoningEfforts;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The reasoning efforts an OpenAI reasoning model accepts, and whether it takes sampling fields. OpenAI refuses an
 * effort the model does not have ("Unsupported value: 'reasoning_effort' does not support 'minimal' with this model.
 * Supported values are: ...") and, on reasoning models, temperature or top_p other than 1 and logprobs, except on
 * gpt-5.1 and later general models while they do not reason (effort none, their default). A router splits one
 * client's requests between such models, so the builders send each the effort closest to the client's that it has,
 * and drop the sampling fields it would refuse.
 *
 * <p>The levels are the ones OpenAI's API validates (gpt-5: minimal to high; gpt-5.1: none to high; gpt-5.2 and
 * later: none to xhigh; codex models from low; pro models fewer; the gpt-5.x chat models medium only; the o-series low
 * to high). They are keyed by model name, so the same model behind another OpenAI-compatible host (Azure,
 * OpenRouter's {@code openai/...}) is covered too; a name not listed here gets no levels, and its efforts pass as
 * asked.
 *
 * @param efforts                  the efforts the model accepts, least reasoning first; empty: it takes none
 * @param defaultEffort            what it does when no effort is sent
 * @param samplingWithoutReasoning whether it takes temperature, top_p and logprobs at effort none
 */
public record ReasoningLevels(List<String> efforts, String defaultEffort, boolean samplingWithoutReasoning) {
    private static final List<String> MINIMAL_TO_HIGH = List.of("minimal", "low", "medium", "high");
    private static final List<String> LOW_TO_HIGH = List.of("low", "medium", "high");
    private static final List<String> LOW_TO_XHIGH = List.of("low", "medium", "high", "xhigh");

    private static final Pattern DATE_SUFFIX = Pattern.compile("-\\d{4}-\\d{2}-\\d{2}$");
    private static final Pattern O_SERIES = Pattern.compile("o\\d+(-mini|-pro)?");
    private static final Pattern GPT5_POINT = Pattern.compile("gpt-5\\.(\\d+)(-.*)?");

    /** The levels of an OpenAI model by its upstream name ({@code gpt-5.2-2025-12-11}, {@code openai/o3}); empty if unknown. */
    public static Optional<ReasoningLevels> of(String upstreamName) {
        String name = upstreamName.substring(upstreamName.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        name = DATE_SUFFIX.matcher(name).replaceFirst("");
        if (O_SERIES.matcher(name).matches()) {
            return Optional.of(new ReasoningLevels(LOW_TO_HIGH, "medium", false));
        }
        switch (name) {
            case "gpt-5", "gpt-5-mini", "gpt-5-nano" -> {
                return Optional.of(new ReasoningLevels(MINIMAL_TO_HIGH, "medium", false));
            }
            case "gpt-5-chat", "gpt-5-chat-latest" -> {
                return Optional.of(new ReasoningLevels(List.of(), "none", true)); // does not reason
            }
            case "gpt-5-codex" -> {
                return Optional.of(new ReasoningLevels(LOW_TO_HIGH, "medium", false));
            }
            case "gpt-5-pro" -> {
                return Optional.of(new ReasoningLevels(List.of("high"), "high", false));
            }
            default -> {
                return gpt5Point(name);
            }
        }
    }

    private static Optional<ReasoningLevels> gpt5Point(String name) {
        var match = GPT5_POINT.matcher(name);
        if (!match.matches()) {
            return Optional.empty();
        }
        boolean first = "1".equals(match.group(1));
        String variant = match.group(2) == null ? "" : match.group(2);
        if (variant.startsWith("-chat")) {
            return Optional.of(new ReasoningLevels(List.of("medium"), "medium", false));
        }
        if (variant.startsWith("-codex")) {
            return Optional.of(new ReasoningLevels(first && !variant.equals("-codex-max") ? LOW_TO_HIGH : LOW_TO_XHIGH, "medium", false));
        }
        if (variant.equals("-pro")) {
            return Optional.of(new ReasoningLevels(List.of("medium", "high", "xhigh"), "medium", false));
        }
        if (variant.equals("-search-api")) {
            return Optional.empty();
        }
        List<String> efforts = first ? List.of("none", "low", "medium", "high") : List.of("none", "low", "medium", "high", "xhigh");
        return Optional.of(new ReasoningLevels(efforts, "none", true));
    }

    /** The accepted effort closest to the one asked for ({@link ReasoningEfforts#closest}); empty when it takes none. */
    public Optional<String> closest(String requested) {
        return ReasoningEfforts.closest(efforts, requested);
    }

    /** Whether temperature, top_p and logprobs pass at this effort ({@code null}: none sent, so the model's default). */
    public boolean acceptsSampling(String effort) {
        return samplingWithoutReasoning && "none".equals(effort == null ? defaultEffort : effort);
    }
}
