package dev.switchyard.core.tokens;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokenEstimatesTest {
    @Test
    void countsAboutFourCharactersPerTokenPlusAFixedCostPerMessage() {
        String messages = "[{\"role\":\"user\",\"content\":\"" + "x".repeat(400) + "\"}]";
        // 4 (message) + 1 ("user") + 100 (the text)
        assertThat(TokenEstimates.estimate(messages, null)).isEqualTo(105);
    }

    @Test
    void imagesCostAFixedAmountWhateverTheirBase64Size() {
        String big = "[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64," + "A".repeat(100_000) + "\"}}]}]";
        assertThat(TokenEstimates.estimate(big, null)).isLessThan(1_100);
    }

    @Test
    void toolsCountToo() {
        String messages = "[{\"role\":\"user\",\"content\":\"hi\"}]";
        assertThat(TokenEstimates.estimate(messages, "[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}]"))
                .isGreaterThan(TokenEstimates.estimate(messages, null));
    }
}
