package dev.switchyard.workers.failover;

import dev.switchyard.workers.providers.UpstreamFailure;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class FailoverPolicyTest {

    @Test
    void connectErrorsTimeoutsServerErrorsAndRateLimitsFailOver() {
        assertThat(FailoverPolicy.beforeFirstContent(UpstreamFailure.connect("refused")))
                .isEqualTo(new FailoverPolicy.Verdict(Outcome.CONNECT_ERROR, true));
        assertThat(FailoverPolicy.beforeFirstContent(UpstreamFailure.timeout("idle")))
                .isEqualTo(new FailoverPolicy.Verdict(Outcome.TIMEOUT, true));
        assertThat(FailoverPolicy.beforeFirstContent(UpstreamFailure.http(503, null, null, null, "down", null)).tryNext()).isTrue();
        assertThat(FailoverPolicy.beforeFirstContent(UpstreamFailure.http(429, null, null, null, "slow down", Duration.ofSeconds(2))))
                .isEqualTo(new FailoverPolicy.Verdict(Outcome.RATE_LIMITED, true));
        assertThat(FailoverPolicy.beforeFirstContent(UpstreamFailure.notConfigured("set X")).tryNext()).isTrue();
    }

    @Test
    void clientErrorsGoBackToTheClientExceptContextLength() {
        assertThat(FailoverPolicy.beforeFirstContent(UpstreamFailure.http(400, null, null, null, "bad", null)))
                .isEqualTo(new FailoverPolicy.Verdict(Outcome.ERROR, false));
        assertThat(FailoverPolicy.beforeFirstContent(UpstreamFailure.http(422, null, null, null, "bad value", null)).tryNext()).isFalse();
        assertThat(FailoverPolicy.countsAgainstProvider(UpstreamFailure.http(400, null, null, null, "bad", null))).isFalse();
        assertThat(FailoverPolicy.beforeFirstContent(UpstreamFailure.http(400, "invalid_request_error", "context_length_exceeded",
                "messages", "This model's maximum context length is 128000 tokens.", null)))
                .isEqualTo(new FailoverPolicy.Verdict(Outcome.CONTEXT_LENGTH, true));
        assertThat(FailoverPolicy.beforeFirstContent(UpstreamFailure.http(400, "invalid_request_error", null, null,
                "prompt is too long: 250000 tokens > 200000 maximum", null)).outcome()).isEqualTo(Outcome.CONTEXT_LENGTH);
    }

    @Test
    void aProviderRefusingSwitchyardsKeyOrModelFailsOverAndCountsAgainstIt() {
        for (int status : new int[]{401, 403, 404}) {
            UpstreamFailure refused = UpstreamFailure.http(status, null, null, null, "Incorrect API key provided", null);
            assertThat(FailoverPolicy.beforeFirstContent(refused)).isEqualTo(new FailoverPolicy.Verdict(Outcome.ERROR, true));
            assertThat(FailoverPolicy.countsAgainstProvider(refused)).as("status %d", status).isTrue();
        }
    }
}
