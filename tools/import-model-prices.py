#!/usr/bin/env python3
"""Regenerates router-core's model catalog from a price list in LiteLLM's format.

Usage: tools/import-model-prices.py ../shared/data/model-prices.json > router-core/src/main/resources/catalog/models.json

Only chat and Responses-API models are kept. Prices are USD per token, copied as published: a model without a
published price keeps a null price (its cost is recorded as unknown, never invented).
"""
import json
import re
import sys

PROVIDERS = {  # LiteLLM provider -> Switchyard provider id
    "openai": "openai", "anthropic": "anthropic", "gemini": "google", "vertex_ai-language-models": "google",
    "xai": "xai", "deepseek": "deepseek", "moonshot": "moonshot", "zhipu": "zhipu", "minimax": "minimax",
    "bedrock": "bedrock", "volcengine": "volcengine",
}
CAPABILITIES = {
    "supports_function_calling": "tools", "supports_vision": "vision", "supports_response_schema": "json",
    "supports_reasoning": "reasoning", "supports_prompt_caching": "prompt_caching", "supports_pdf_input": "pdf",
    "supports_assistant_prefill": "prefill",
}


CLAUDE_VERSION = re.compile(r"claude-(?:[a-z]+-)?(\d{1,2})(?:[-.](\d{1,2})(?!\d))?")


def capabilities(provider, name, spec):
    """The price list's capability flags, corrected where Anthropic's API says otherwise."""
    found = {v for k, v in CAPABILITIES.items() if spec.get(k)}
    version = CLAUDE_VERSION.search(name) if provider == "anthropic" else None
    if version and (int(version.group(1)), int(version.group(2) or 0)) >= (4, 6):
        # Claude 4.6 removed assistant prefill ("This model does not support assistant message prefill. The
        # conversation must end with a user message."); the price list still flags claude-sonnet-4-6.
        found.discard("prefill")
    return sorted(found)


def api_of(provider, mode):
    if provider == "anthropic":
        return "anthropic-messages"
    if mode == "responses":
        return "openai-responses"
    return "openai-chat"


def main(path):
    source = json.load(open(path))
    models = []
    for name, spec in sorted(source.items()):
        if not isinstance(spec, dict) or spec.get("mode") not in ("chat", "responses"):
            continue
        provider = PROVIDERS.get(spec.get("litellm_provider"))
        if provider is None:
            continue
        price = None
        if spec.get("input_cost_per_token") is not None and spec.get("output_cost_per_token") is not None:
            price = {"input": spec["input_cost_per_token"], "output": spec["output_cost_per_token"],
                     "cache_read": spec.get("cache_read_input_token_cost"),
                     "cache_write": spec.get("cache_creation_input_token_cost")}
        models.append({
            "id": f"{provider}/{name}",
            "provider": provider,
            "upstream": name,
            "api": api_of(provider, spec.get("mode")),
            "context_window": spec.get("max_input_tokens"),
            "max_output": spec.get("max_output_tokens") or spec.get("max_tokens"),
            "capabilities": capabilities(provider, name, spec),
            "price": price,
            "aliases": [name],
        })
    json.dump({"source": "model-prices.json (LiteLLM format, MIT), published 2026-07-24", "models": models},
              sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
