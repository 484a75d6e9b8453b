package dev.switchyard.workers.providers.anthropic;

import dev.switchyard.workers.providers.translate.ReasoningEfforts;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which forms of thinking, which efforts and which sampling fields a Claude model takes, by its version (its
 * generation). Claude 4.5 and later take temperature or top_p, not both. Claude 4.5 and earlier think only with a budget ({@code thinking: {type: enabled, budget_tokens}}); Claude 4.6 added adaptive
 * thinking ({@code thinking: {type: adaptive}} steered by {@code output_config.effort}) and keeps the budget form,
 * deprecated; from Claude 4.7 on, adaptive is the only form: Anthropic answers 400 to {@code enabled} and
 * {@code disabled} ("thinking.type.enabled is not supported for this model. Use thinking.type.adaptive and
 * output_config.effort"), and to temperature, top_p and top_k. The effort levels: low to high on Opus 4.5 (behind a
 * beta header the client sends), max too from 4.6, xhigh too from 4.7. A router splits one client's requests between
 * such models, so the builder turns each request's thinking into the form the model takes.
 *
 * @param budget   takes {@code thinking: {type: enabled, budget_tokens}} (and {@code disabled})
 * @param adaptive takes {@code thinking: {type: adaptive}}
 * @param efforts  the {@code output_config.effort} levels it takes, least first; empty: none
 * @param sampling takes temperature, top_p and top_k
 * @param oneSamplingParameter takes temperature or top_p, not both (Claude 4.5 and later)
 */
record ClaudeGeneration(boolean budget, boolean adaptive, List<String> efforts, boolean sampling, boolean oneSamplingParameter) {
    /** claude-<family>-<major>[-<minor>] or claude-<major>[-<minor>]-<family>; a minor of more than 2 digits is a date. */
    private static final Pattern VERSION = Pattern.compile("claude-(?:([a-z]+)-)?(\\d{1,2})(?:[-.](\\d{1,2})(?!\\d))?");

    private static final ClaudeGeneration BEFORE_4_5 = new ClaudeGeneration(true, false, List.of(), true, false);

    /** By the model's upstream name; a name without a version thinks with a budget, as Claude always could. */
    static ClaudeGeneration of(String upstreamName) {
        Matcher m = VERSION.matcher(upstreamName.toLowerCase(Locale.ROOT));
        if (!m.find()) {
            return BEFORE_4_5;
        }
        int version = Integer.parseInt(m.group(2)) * 10 + (m.group(3) != null ? Integer.parseInt(m.group(3)) : 0);
        if (version >= 47) {
            return new ClaudeGeneration(false, true, List.of("low", "medium", "high", "xhigh", "max"), false, true);
        }
        if (version == 46) {
            return new ClaudeGeneration(true, true, List.of("low", "medium", "high", "max"), true, true);
        }
        if (version == 45) {
            return new ClaudeGeneration(true, false, "opus".equals(m.group(1)) ? List.of("low", "medium", "high") : List.of(), true, true);
        }
        return BEFORE_4_5;
    }

    /** The level the model takes closest to the one asked for ({@link ReasoningEfforts#closest}); empty when it takes none. */
    Optional<String> closestEffort(String requested) {
        return ReasoningEfforts.closest(efforts, requested);
    }
}
