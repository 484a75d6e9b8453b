package dev.switchyard.testsupport.mock;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How OpenAI validates a reasoning model's effort and sampling fields: each model accepts its own efforts ("Unsupported
 * value: 'reasoning_effort' does not support 'minimal' with this model. Supported values are: ..."), and refuses
 * temperature or top_p other than 1 and logprobs, except gpt-5.1 and later general models at effort none (their
 * default). Written from OpenAI's answers, not shared with the workers: a mock that used the router's own table could
 * not catch a wrong one.
 */
record OpenAiReasoningRules(List<String> efforts, String defaultEffort, boolean samplesAtNone) {
    private static final Pattern DATED = Pattern.compile("-\\d{4}-\\d{2}-\\d{2}$");
    private static final Pattern POINT_RELEASE = Pattern.compile("gpt-5\\.(\\d+)(-[a-z-]+)?");

    /**
     * Whether the name is one of OpenAI's own models, whose rules this mock enforces; other names (gemini-*, deepseek-*,
     * ...) stand for other OpenAI-compatible hosts, which take reasoning efforts and verbosity their own way.
     */
    static boolean openAiModel(String model) {
        return model.toLowerCase(Locale.ROOT).matches("(gpt-|chatgpt-|o\\d).*");
    }

    /** The rules of a reasoning model; empty for a model that does not reason (gpt-4.1, gpt-5-chat-latest). */
    static Optional<OpenAiReasoningRules> of(String model) {
        String name = DATED.matcher(model.toLowerCase(Locale.ROOT)).replaceFirst("");
        if (name.matches("o\\d.*")) {
            return rules(List.of("low", "medium", "high"), "medium", false);
        }
        if (name.matches("gpt-5(-mini|-nano)?")) {
            return rules(List.of("minimal", "low", "medium", "high"), "medium", false);
        }
        if (name.equals("gpt-5-codex")) {
            return rules(List.of("low", "medium", "high"), "medium", false);
        }
        if (name.equals("gpt-5-pro")) {
            return rules(List.of("high"), "high", false);
        }
        Matcher point = POINT_RELEASE.matcher(name);
        if (!point.matches()) {
            return Optional.empty();
        }
        boolean gpt51 = point.group(1).equals("1");
        String variant = point.group(2) == null ? "" : point.group(2);
        if (variant.startsWith("-chat")) {
            return rules(List.of("medium"), "medium", false);
        }
        if (variant.startsWith("-codex")) {
            return rules(gpt51 && !variant.equals("-codex-max") ? List.of("low", "medium", "high")
                    : List.of("low", "medium", "high", "xhigh"), "medium", false);
        }
        if (variant.equals("-pro")) {
            return rules(List.of("medium", "high", "xhigh"), "medium", false);
        }
        return rules(gpt51 ? List.of("none", "low", "medium", "high") : List.of("none", "low", "medium", "high", "xhigh"), "none", true);
    }

    private static Optional<OpenAiReasoningRules> rules(List<String> efforts, String defaultEffort, boolean samplesAtNone) {
        return Optional.of(new OpenAiReasoningRules(efforts, defaultEffort, samplesAtNone));
    }

    /**
     * OpenAI's answer to a verbosity other than medium on a model outside the gpt-5 family (its chat models included);
     * null when the model takes it.
     */
    static ApiError refuseVerbosity(String model, String verbosity, String param) {
        String name = model.toLowerCase(Locale.ROOT);
        if ("medium".equals(verbosity) || !openAiModel(model) || (name.startsWith("gpt-5") && !name.contains("-chat"))) {
            return null;
        }
        return ApiError.invalid("Unsupported value: '" + param + "' does not support '" + verbosity + "' with this model. "
                + "Supported values are: 'medium'.", param, "unsupported_value");
    }

    /** OpenAI's answer to an effort this model does not have; null when it has it. */
    ApiError refuseEffort(String effort, String param) {
        if (efforts.contains(effort)) {
            return null;
        }
        StringBuilder supported = new StringBuilder();
        for (int i = 0; i < efforts.size(); i++) {
            supported.append(i == 0 ? "" : i == efforts.size() - 1 ? (efforts.size() > 2 ? ", and " : " and ") : ", ")
                    .append('\'').append(efforts.get(i)).append('\'');
        }
        return ApiError.invalid("Unsupported value: '" + param + "' does not support '" + effort + "' with this model. "
                + "Supported values are: " + supported + ".", param, "unsupported_value");
    }

    /** Whether temperature, top_p and logprobs are accepted at this effort (null: none sent, the model's default). */
    boolean samples(String effort) {
        return samplesAtNone && "none".equals(effort == null ? defaultEffort : effort);
    }
}
