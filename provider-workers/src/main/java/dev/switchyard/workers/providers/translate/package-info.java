/**
 * The one internal request format and the rules every adapter applies when translating it to its provider.
 *
 * <p>{@code ChatRequest.messages_json} is the OpenAI chat-completions {@code messages} array for every client
 * protocol, with a few extensions so Anthropic Messages and Responses requests fit without loss:
 * <ul>
 *   <li>content parts may carry {@code cache_control} (Anthropic prompt caching; passed to Anthropic only);</li>
 *   <li>content parts of a type OpenAI chat doesn't know (an Anthropic {@code server_tool_use} block, say) are kept
 *       verbatim and only sent to a provider of the client's own protocol;</li>
 *   <li>assistant messages may carry {@code thinking_blocks} ({@code thinking} with {@code signature},
 *       {@code redacted_thinking}, or a Responses {@code reasoning} item with {@code encrypted_content}) and
 *       {@code native_items} (Responses input items with no chat equivalent, such as {@code web_search_call});</li>
 *   <li>tool messages may carry {@code is_error} and content parts (text and images);</li>
 *   <li>a custom (free-form) tool's call has the arguments {@code {"input": "<raw text>"}}.</li>
 * </ul>
 * {@code tools_json} holds OpenAI chat tools ({@code function}, {@code custom}) and, verbatim, tools of other types
 * (Anthropic server tools, Responses built-in tools), which only a provider of the client's own protocol receives.
 * Function tools may carry {@code cache_control} and {@code anthropic} (the other fields of an Anthropic tool).
 *
 * <p>What a target cannot express is dropped with a note on the Completion when it only tunes generation
 * (reasoning, sampling, verbosity, cache hints, built-in tools), or mapped to the closest the target takes (reasoning
 * efforts, thinking forms); what would change the answer's content or format (function tools, images, PDFs, a
 * prefill, response formats the target can't produce) is refused with a 400 ({@link
 * dev.switchyard.workers.providers.translate.UnsupportedRequestException}).
 */
package dev.switchyard.workers.providers.translate;
