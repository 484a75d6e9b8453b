package dev.switchyard.workers.replies;

import dev.switchyard.core.catalog.ApiKind;
import dev.switchyard.core.catalog.CatalogModel;
import dev.switchyard.core.catalog.ModelCatalog;
import dev.switchyard.events.Usage;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CostsTest {

    @Test
    void pricesInputCachedAndOutputTokensAtTheCatalogsRates() {
        CatalogModel gpt = ModelCatalog.builtIn().find("openai/gpt-5.2").orElseThrow(); // 1.75 / 0.175 / 14 USD per M
        Usage usage = Usage.newBuilder().setInputTokens(1_000).setCacheReadTokens(2_000).setOutputTokens(500).build();

        assertThat(Costs.of(gpt, usage)).isCloseTo(1_000 * 1.75e-6 + 2_000 * 1.75e-7 + 500 * 1.4e-5, within(1e-12));
    }

    @Test
    void unknownPriceOrUsageIsUnknownCost() {
        CatalogModel selfHosted = new CatalogModel("vllm/llama", "vllm", "llama", ApiKind.OPENAI_CHAT, null, null,
                Set.of(), null, List.of());

        assertThat(Costs.of(selfHosted, Usage.newBuilder().setInputTokens(10).build())).isNull();
        assertThat(Costs.of(ModelCatalog.builtIn().find("openai/gpt-5.2").orElseThrow(), null)).isNull();
    }
}
