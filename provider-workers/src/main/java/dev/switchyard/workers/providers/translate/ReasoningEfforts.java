package dev.switchyard.workers.providers.translate;

import dev.switchyard.events.ReasoningConfig;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Maps reasoning requests between OpenAI's effort levels and Anthropic's thinking budgets. The budgets are the middle
 * of what each effort typically spends; Anthropic's minimum budget is 1024 tokens.
 */
public final class ReasoningEfforts {
    public static final int MIN_BUDGET = 1024;
    /** Every provider's effort words, least reasoning first ("max", Anthropic's top level, beyond OpenAI's xhigh). */
    private static final List<String> SCALE = List.of("none", "minimal", "low", "medium", "high", "xhigh", "max");

    private ReasoningEfforts() {
    }

    /** The thinking budget for an effort; 0 for none. */
    public static int budgetFor(String effort) {
        return switch (effort == null ? "medium" : effort.toLowerCase(Locale.ROOT)) {
            case "none" -> 0;
            case "minimal" -> MIN_BUDGET;
            case "low" -> 2048;
            case "medium" -> 8192;
            case "high" -> 16384;
            default -> 32000; // xhigh, max
        };
    }

    /** The effort closest to a thinking budget. */
    public static String effortFor(int budget) {
        if (budget <= 0) {
            return "none";
        }
        if (budget < 2048) {
            return "minimal";
        }
        if (budget < 8192) {
            return "low";
        }
        if (budget < 16384) {
            return "medium";
        }
        return "high";
    }

    /** The effort the client asked for, directly or as a budget; null when it asked for none of either. */
    public static String effortOf(ReasoningConfig reasoning) {
        if (reasoning == null) {
            return null;
        }
        if ("disabled".equals(reasoning.getMode())) {
            return "none";
        }
        if (reasoning.getEffort() != null) {
            return reasoning.getEffort();
        }
        if (reasoning.getBudgetTokens() != null) {
            return effortFor(reasoning.getBudgetTokens());
        }
        return null; // "adaptive" or enabled without a budget: the target's default
    }

    /** Whether the client asked for reasoning at all (anything but disabled / effort none). */
    public static boolean wanted(ReasoningConfig reasoning) {
        if (reasoning == null || "disabled".equals(reasoning.getMode())) {
            return false;
        }
        return !"none".equals(reasoning.getEffort()) && (reasoning.getMode() != null || reasoning.getEffort() != null
                || reasoning.getBudgetTokens() != null);
    }

    /**
     * The level of {@code accepted} (least first) closest to the one asked for, a tie going to less reasoning (minimal
     * becomes none where none and low are accepted); empty when nothing is accepted. A word outside the scale is
     * returned as asked, for the provider to judge.
     */
    public static Optional<String> closest(List<String> accepted, String requested) {
        if (accepted.isEmpty()) {
            return Optional.empty();
        }
        int wanted = SCALE.indexOf(requested);
        if (wanted < 0 || accepted.contains(requested)) {
            return Optional.of(requested);
        }
        String best = accepted.get(0);
        for (String level : accepted) { // least first, so a tie keeps the first found
            if (Math.abs(SCALE.indexOf(level) - wanted) < Math.abs(SCALE.indexOf(best) - wanted)) {
                best = level;
            }
        }
        return Optional.of(best);
    }

    /**
     * Another protocol's effort for an OpenAI reasoning model whose levels are unknown: none is sent as minimal (the
     * lowest level the older ones accept), max as high (xhigh only exists on some models).
     */
    public static String openAiEffort(String effort) {
        return switch (effort) {
            case "none" -> "minimal";
            case "max" -> "high";
            default -> effort;
        };
    }
}
