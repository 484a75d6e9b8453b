package dev.switchyard.launcher;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UpOptionsTest {

    @Test
    void theWorkersReplySettingsComeFromTheEnvironmentAndFlagsWin() {
        UpOptions fromEnv = UpOptions.parse(List.of(), Map.of("SWITCHYARD_REPLY_COALESCE_MS", "0", "SWITCHYARD_REPLY_HOLD_MS", "7"));
        assertThat(fromEnv.replyCoalescing()).isEqualTo(Duration.ZERO);
        assertThat(fromEnv.replyHold()).isEqualTo(Duration.ofMillis(7));

        UpOptions flags = UpOptions.parse(List.of("--reply-hold-ms", "0", "--reply-coalesce-ms=3"), Map.of("SWITCHYARD_REPLY_HOLD_MS", "7"));
        assertThat(flags.replyHold()).isEqualTo(Duration.ZERO);
        assertThat(flags.replyCoalescing()).isEqualTo(Duration.ofMillis(3));
    }

    @Test
    void unsetReplySettingsLeaveTheWorkersDefaults() {
        UpOptions options = UpOptions.parse(List.of(), Map.of());
        assertThat(options.replyCoalescing()).isNull();
        assertThat(options.replyHold()).isNull();
        assertThat(options.partitions()).isEqualTo(6);
        assertThat(options.port()).isEqualTo(8080);
    }

    @Test
    void aNegativeHoldIsRefusedWithItsValue() {
        assertThatThrownBy(() -> UpOptions.parse(List.of("--reply-hold-ms", "-1"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
    }
}
