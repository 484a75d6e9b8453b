package dev.switchyard.workers.failover;

import dev.switchyard.core.catalog.CatalogModel;
import dev.switchyard.events.Attempt;
import dev.switchyard.events.Candidate;
import dev.switchyard.events.ChatRequest;
import dev.switchyard.events.Completion;
import dev.switchyard.events.CompletionStatus;
import dev.switchyard.events.Dispatch;
import dev.switchyard.events.ReplyError;
import dev.switchyard.events.Usage;
import dev.switchyard.workers.health.Admission;
import dev.switchyard.workers.providers.CallSpec;
import dev.switchyard.workers.providers.Delta;
import dev.switchyard.workers.providers.ProviderRegistry;
import dev.switchyard.workers.providers.ProviderSettings;
import dev.switchyard.workers.providers.UpstreamFailure;
import dev.switchyard.workers.replies.ChunkWriter;
import dev.switchyard.workers.replies.Costs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CancellationException;

/**
 * One dispatched request, from its first candidate to its Completion. Everything runs on the request's Vert.x
 * context: no locks.
 *
 * <ul>
 *   <li><b>Before the first token</b> the client has seen nothing, so a failing call is replaced by the next candidate
 *       ({@link FailoverPolicy} decides which failures move on). Candidates whose circuit is open or whose provider
 *       asked to wait (Retry-After) are skipped without a call ({@code skipped_unhealthy}); see {@code HealthBook}.</li>
 *   <li><b>TTFT deadline</b>: a call without a first token after {@code ttft_timeout} is cancelled and the next
 *       candidate tried, unless no other candidate could be called: the last one is never cut.</li>
 *   <li><b>Hedging</b> ({@code hedge_after}): when the only running call has no first token after that long, the
 *       next candidate starts in parallel (never more than two at once); the first to produce a token streams, the
 *       other is cancelled and recorded {@code hedge_lost}.</li>
 *   <li><b>After the first token</b> a failure ends the answer with an error chunk, unless {@code continue_midstream}
 *       is set and a later candidate can continue a partial assistant message (catalog capability {@code prefill}:
 *       Anthropic without extended thinking, OpenAI-compatible hosts with {@code prefix} support): then that model
 *       gets the conversation plus the text streamed so far as a trailing assistant message and its answer goes on
 *       under the same attempt id, so the client sees one uninterrupted answer.</li>
 * </ul>
 *
 * Ends with exactly one terminal chunk (final answer or error; none for a cancelled request, whose client is gone)
 * and one Completion recording every attempt. {@link #done()} completes once both are acknowledged by the broker,
 * which is when the dispatch record may be committed; it fails when the request was {@link #abandon() abandoned}
 * (worker shutdown) or its output could not be published, so that the dispatch is redelivered.
 */
public final class RequestExecution implements AttemptRunner.Observer {
    private static final Logger LOG = LoggerFactory.getLogger(RequestExecution.class);
    /** The CANCEL reason ingress gives when another attempt showed up after the client had part of the answer. */
    static final String STREAM_INTERRUPTED = "stream_interrupted";
    private static final int MAX_RACING = 2;

    /** One provider call and what belongs to it. */
    private static final class Call {
        final AttemptRunner runner;
        final Attempt.Builder record;
        final ChunkWriter writer;
        final boolean probe;
        /** Recorded as the attempt's reason when it answers: why it was started (hedge, continuation). */
        final String role;
        final boolean continuation;
        long ttftTimer = -1;

        Call(AttemptRunner runner, Attempt.Builder record, ChunkWriter writer, boolean probe, String role, boolean continuation) {
            this.runner = runner;
            this.record = record;
            this.writer = writer;
            this.probe = probe;
            this.role = role;
            this.continuation = continuation;
        }

        String modelId() {
            return runner.model().id();
        }
    }

    private final Dispatch dispatch;
    private final ChatRequest request;
    private final WorkerRuntime rt;
    private final FailoverPolicy policy;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final List<Attempt.Builder> attempts = new ArrayList<>();
    private final LinkedHashSet<String> notes = new LinkedHashSet<>();
    /** Calls without a first token yet (two while hedging). */
    private final List<Call> racing = new ArrayList<>(MAX_RACING);
    /** What the client has been sent of the answer, for a continuation. */
    private final StringBuilder streamedText = new StringBuilder();

    private int nextCandidate;
    private int callsMade;
    private Integer minContextWindow;
    /** The call whose content reaches the client (after its first token; a continuation from its start). */
    private Call streaming;
    /** The chunk writer the client reads: the first streaming call's, kept by continuations. */
    private ChunkWriter clientWriter;
    private ChunkWriter lastWriter;
    private boolean continuable = true;
    private boolean stripLeadingWhitespace;
    private UpstreamFailure lastFailure;
    /** The shortest wait until a candidate skipped for a Retry-After or an open circuit is called again. */
    private Duration soonestReadmission;
    /** A failure that goes back to the client (an invalid request): no further candidate is started. */
    private UpstreamFailure clientError;
    private Instant firstContentAt;
    private long hedgeTimer = -1;
    private long totalTimer = -1;
    private boolean finished;
    /** Read from the dispatch consumer's thread when a rebalance moves the request's partition. */
    private volatile boolean answering;

    public RequestExecution(Dispatch dispatch, WorkerRuntime runtime) {
        this.dispatch = dispatch;
        this.request = dispatch.getRequest();
        this.rt = runtime;
        this.policy = FailoverPolicy.of(dispatch);
    }

    public String requestId() {
        return request.getRequestId();
    }

    public CompletableFuture<Void> done() {
        return done;
    }

    /** Whether the answer has started reaching the client (a first token was streamed): it can't be restarted elsewhere. */
    public boolean answering() {
        return answering;
    }

    /** Starts the request; {@code cancelledReason} non-null means a CANCEL arrived before the dispatch did. */
    public void start(String cancelledReason) {
        Instant now = rt.clock().instant();
        if (cancelledReason != null) {
            finishCancelled(cancelledReason);
            return;
        }
        if (!request.getDeadlineAt().isAfter(now)) {
            failWith(error(504, "timeout_error", "deadline_exceeded", "deadline exceeded before a provider was called"));
            return;
        }
        Instant deadline = request.getDeadlineAt();
        boolean byTotalTimeout = false;
        if (policy.totalTimeoutMs() != null && now.plusMillis(policy.totalTimeoutMs()).isBefore(deadline)) {
            deadline = now.plusMillis(policy.totalTimeoutMs());
            byTotalTimeout = true;
        }
        boolean total = byTotalTimeout;
        totalTimer = rt.vertx().setTimer(Math.max(1, Duration.between(now, deadline).toMillis()), id -> onTotalTimeout(total));
        advance();
    }

    /** A CANCEL for this request: stop the provider calls and record the request as cancelled. */
    public void cancel(String reason) {
        if (finished) {
            return;
        }
        for (Call call : allCalls()) {
            stop(call);
            close(call, Outcome.CANCELLED, "cancelled: " + reason, null);
            rt.health().abandoned(call.modelId(), call.probe);
        }
        racing.clear();
        if (reason != null && reason.startsWith(STREAM_INTERRUPTED)) {
            // Ingress saw this attempt replace another one whose text had reached the client (the worker that ran it
            // stopped mid-answer): the client got an explicit error, and that is what this request's record says.
            finish(CompletableFuture.completedFuture(null), completion(CompletionStatus.ERROR, 502)
                    .setErrorType("upstream_error")
                    .setErrorMessage("the answer was interrupted: an earlier attempt, on a worker that stopped, had "
                            + "already sent part of it to the client (" + reason + ")"));
            return;
        }
        finishCancelled(reason);
    }

    /** Worker shutdown: stop without publishing anything, so that another worker takes the dispatch over. */
    public void abandon() {
        if (finished) {
            return;
        }
        finished = true;
        cancelTimers();
        discardBufferedReply();
        for (Call call : allCalls()) {
            stop(call);
            rt.health().abandoned(call.modelId(), call.probe); // a probe stopped here must not hold the circuit half-open
        }
        done.completeExceptionally(new CancellationException("abandoned at shutdown"));
    }

    // ---- candidate selection -------------------------------------------------------------------------------------

    /** Nothing is running: start the next candidate, or end the request when none is left. */
    private void advance() {
        if (finished || !racing.isEmpty() || streaming != null) {
            return;
        }
        if (clientError == null && startNextCandidate(null)) {
            return;
        }
        if (!finished && racing.isEmpty() && streaming == null) {
            if (clientError != null) {
                failWith(replyError(clientError));
            } else {
                failAll();
            }
        }
    }

    /** Starts the next callable candidate (recording the ones skipped on the way); false when there is none. */
    private boolean startNextCandidate(String role) {
        while (!finished && nextCandidate < dispatch.getCandidates().size() && callsMade < policy.maxAttempts()) {
            Candidate candidate = dispatch.getCandidates().get(nextCandidate++);
            Optional<CatalogModel> found = rt.catalog().find(candidate.getModelId());
            if (found.isEmpty()) {
                String provider = candidate.getModelId().contains("/")
                        ? candidate.getModelId().substring(0, candidate.getModelId().indexOf('/')) : "unknown";
                lastFailure = UpstreamFailure.http(404, "not_found_error", "model_not_found", null,
                        "model '" + candidate.getModelId() + "' is not in the model catalog", null);
                skipped(candidate.getModelId(), provider, Outcome.ERROR, lastFailure.message(), 404);
                continue;
            }
            CatalogModel model = found.get();
            if (tooSmall(model)) {
                skipped(model.id(), model.provider(), Outcome.CONTEXT_LENGTH, "skipped: context window of "
                        + model.contextWindow() + " tokens is not larger than the one that was exceeded", null);
                continue;
            }
            Optional<ProviderSettings> settings = rt.providers().resolve(model.provider(), model.api());
            if (settings.isEmpty()) {
                lastFailure = UpstreamFailure.notConfigured(ProviderRegistry.notConfiguredMessage(model.provider()));
                skipped(model.id(), model.provider(), Outcome.ERROR, lastFailure.message(), 503);
                continue;
            }
            Admission admission = rt.health().admit(model.id());
            if (!admission.allowed()) {
                skippedUnhealthy(model, admission);
                continue;
            }
            startCall(model, settings.get(), admission.probe(), role, request, null);
            return true;
        }
        return false;
    }

    private void skippedUnhealthy(CatalogModel model, Admission admission) {
        // Should every candidate be skipped, the client may try again when the first of them is let through.
        Duration wait = admission.until() == null ? null : Duration.between(rt.clock().instant(), admission.until());
        if (wait != null && (soonestReadmission == null || wait.compareTo(soonestReadmission) < 0)) {
            soonestReadmission = wait;
        }
        if (admission.kind() == Admission.Kind.RETRY_AFTER) {
            lastFailure = UpstreamFailure.http(429, "rate_limit_error", "rate_limited", null,
                    model.id() + " is rate-limited until " + admission.until() + " (Retry-After)", soonestReadmission);
            skipped(model.id(), model.provider(), Outcome.SKIPPED_UNHEALTHY, "Retry-After until " + admission.until(), 429);
        } else {
            lastFailure = UpstreamFailure.http(503, "api_error", "circuit_open", null,
                    model.id() + " is unavailable: its circuit is open until " + admission.until()
                            + (admission.reason() == null ? "" : " (" + admission.reason() + ")"), soonestReadmission);
            skipped(model.id(), model.provider(), Outcome.SKIPPED_UNHEALTHY, "circuit open until " + admission.until()
                    + (admission.reason() == null ? "" : ": " + admission.reason()), 503);
        }
    }

    private boolean tooSmall(CatalogModel model) {
        return minContextWindow != null && model.contextWindow() != null && model.contextWindow() <= minContextWindow;
    }

    /** Whether a call could still be started after the running ones (the TTFT deadline never cuts the last one). */
    private boolean anotherCandidateCallable() {
        if (callsMade >= policy.maxAttempts() || clientError != null) {
            return false;
        }
        for (int i = nextCandidate; i < dispatch.getCandidates().size(); i++) {
            Optional<CatalogModel> model = rt.catalog().find(dispatch.getCandidates().get(i).getModelId());
            if (model.isPresent() && !tooSmall(model.get()) && rt.health().callable(model.get().id())
                    && rt.providers().resolve(model.get().provider(), model.get().api()).isPresent()) {
                return true;
            }
        }
        return false;
    }

    private void startCall(CatalogModel model, ProviderSettings settings, boolean probe, String role,
                           ChatRequest body, ChunkWriter sharedWriter) {
        callsMade++;
        int number = attempts.size() + 1;
        String attemptId = rt.attemptIds().next();
        Instant now = rt.clock().instant();
        Attempt.Builder record = Attempt.newBuilder()
                .setAttempt(number)
                .setAttemptId(attemptId)
                .setModelId(model.id())
                .setProvider(model.provider())
                .setStartedAt(now)
                .setOutcome(Outcome.STREAMING);
        attempts.add(record);
        boolean continuation = sharedWriter != null;
        ChunkWriter writer = continuation ? sharedWriter : new ChunkWriter(rt.publisher(), request, attemptId, number, rt.coalescing());
        List<String> callNotes = new ArrayList<>();
        AttemptRunner runner = new AttemptRunner(attemptId, number, model, rt.adapters().forProtocol(settings.protocol()),
                new CallSpec(body, model, settings, callNotes), this, rt.clock());
        Call call = new Call(runner, record, writer, probe, role, continuation);
        if (continuation) {
            streaming = call;
        } else {
            racing.add(call);
            lastWriter = writer;
            if (policy.ttftTimeoutMs() != null) {
                call.ttftTimer = rt.vertx().setTimer(policy.ttftTimeoutMs(), id -> onTtftTimeout(call));
            }
        }
        LOG.debug("request {} attempt {} ({}) -> {} via {}{}", request.getRequestId(), number, attemptId, model.id(),
                settings, role == null ? "" : " [" + role + "]");
        runner.start();
        notes.addAll(callNotes); // adapters note dropped parameters while building the body, i.e. during start()
        maybeHedge();
    }

    private void skipped(String modelId, String provider, String outcome, String reason, Integer status) {
        Attempt.Builder record = Attempt.newBuilder()
                .setAttempt(attempts.size() + 1)
                .setAttemptId("")
                .setModelId(modelId)
                .setProvider(provider)
                .setStartedAt(rt.clock().instant())
                .setDurationMs(0)
                .setOutcome(outcome)
                .setReason(reason)
                .setHttpStatus(status);
        attempts.add(record);
        rt.metrics().attemptFinished(provider, outcome);
    }

    // ---- hedging and the TTFT deadline ---------------------------------------------------------------------------

    /** With hedging on and exactly one call waiting for its first token: start the next one at its start + hedge_after. */
    private void maybeHedge() {
        cancelHedgeTimer();
        if (finished || policy.hedgeAfterMs() == null || streaming != null || clientError != null || racing.size() != 1) {
            return;
        }
        Call only = racing.get(0);
        long due = Duration.between(rt.clock().instant(), only.runner.startedAt().plusMillis(policy.hedgeAfterMs())).toMillis();
        hedgeTimer = rt.vertx().setTimer(Math.max(1, due), id -> onHedgeTimer(only));
    }

    private void onHedgeTimer(Call only) {
        hedgeTimer = -1;
        if (finished || streaming != null || clientError != null || racing.size() != 1 || racing.get(0) != only
                || only.runner.hasContent() || !anotherCandidateCallable()) {
            return;
        }
        String role = "hedge: attempt " + only.runner.number() + " (" + only.modelId() + ") had no first token after "
                + policy.hedgeAfterMs() + " ms";
        LOG.info("request {}: {}; starting the next candidate in parallel", request.getRequestId(), role);
        if (startNextCandidate(role)) {
            rt.metrics().hedge("started");
        }
    }

    private void onTtftTimeout(Call call) {
        call.ttftTimer = -1;
        if (finished || !racing.contains(call) || call.runner.hasContent() || !anotherCandidateCallable()) {
            return; // the last callable candidate is never cut by the TTFT deadline
        }
        stop(call);
        racing.remove(call);
        close(call, Outcome.TTFT_TIMEOUT, "no first token within " + policy.ttftTimeoutMs() + " ms", null);
        // A failure of the model's: one that hangs before its first token would otherwise never trip its breaker (the
        // cut comes long before the idle timeout that would count), and every request would wait the deadline on it.
        rt.health().failure(call.modelId(), call.probe, "no first token within " + policy.ttftTimeoutMs() + " ms");
        lastFailure = UpstreamFailure.timeout(call.modelId() + " sent no first token within " + policy.ttftTimeoutMs() + " ms");
        if (racing.isEmpty()) {
            advance();
        } else {
            maybeHedge();
        }
    }

    // ---- attempt callbacks ---------------------------------------------------------------------------------------

    @Override
    public void onFirstContent(AttemptRunner attempt) {
        Call call = find(attempt);
        if (call == null || finished) {
            attempt.cancel();
            return;
        }
        cancelTimer(call.ttftTimer);
        call.ttftTimer = -1;
        Duration ttft = Duration.between(attempt.startedAt(), attempt.firstContentAt());
        call.record.setTtftMs(ttft.toMillis());
        rt.metrics().upstreamTtft(attempt.model().provider(), ttft);
        rt.health().success(call.modelId(), call.probe);
        if (call.continuation) {
            return;
        }
        promote(call);
        firstContentAt = attempt.firstContentAt();
    }

    /** {@code winner} produced the first token (or finished without any): it streams, the other racer loses. */
    private void promote(Call winner) {
        racing.remove(winner);
        cancelHedgeTimer();
        for (Call loser : racing) {
            stop(loser);
            close(loser, Outcome.HEDGE_LOST, "hedge: attempt " + winner.runner.number() + " (" + winner.modelId()
                    + ") answered first", null);
            rt.health().abandoned(loser.modelId(), loser.probe);
            rt.metrics().hedge("lost");
        }
        if (winner.role != null && winner.role.startsWith("hedge")) {
            rt.metrics().hedge("won");
        }
        racing.clear();
        streaming = winner;
        clientWriter = winner.writer;
        answering = true;
    }

    @Override
    public void onContent(AttemptRunner attempt, Delta delta) {
        Call call = streaming;
        if (finished || call == null || call.runner != attempt) {
            return;
        }
        Delta out = delta;
        if (call.continuation && stripLeadingWhitespace && delta.text() != null) {
            // The prefill lost its trailing whitespace (Anthropic rejects it), so the model starts with it: the client
            // already has it.
            String text = delta.text().stripLeading();
            if (!text.isEmpty()) {
                stripLeadingWhitespace = false;
            }
            out = new Delta(text, delta.reasoning(), delta.toolCalls(), delta.finishReason(), delta.usage(),
                    delta.modelName(), delta.reasoningSignature(), delta.logprobsJson());
            if (!out.hasContent()) {
                return;
            }
        }
        if (out.text() != null) {
            streamedText.append(out.text());
        }
        if (!out.toolCalls().isEmpty() || (out.reasoning() != null && !out.reasoning().isEmpty())
                || out.reasoningSignature() != null) {
            continuable = false; // a tool call or a reasoning block can't be handed to another model half-done
        }
        clientWriter.content(out, () -> header(call), this::snapshot);
    }

    @Override
    public void onFinished(AttemptRunner attempt) {
        Call call = find(attempt);
        if (call == null || finished) {
            return;
        }
        if (racing.contains(call)) {
            // Finished without any content (an empty answer): it answered first all the same.
            cancelTimer(call.ttftTimer);
            rt.health().success(call.modelId(), call.probe);
            promote(call);
        }
        if (call != streaming) {
            return;
        }
        close(call, Outcome.OK, call.role, 200);
        Usage usage = attempt.usage();
        CompletableFuture<Void> chunkAck = clientWriter.finish(attempt.finishReason(), attempt.stopReason(), attempt.stopSequence(),
                usage, header(call), snapshot());
        Completion.Builder completion = completion(CompletionStatus.OK, 200)
                .setModelId(attempt.model().id())
                .setProvider(attempt.model().provider())
                .setFinishReason(attempt.finishReason())
                .setUsage(usage)
                .setCostUsd(request.getCountTokens() ? Double.valueOf(0) : Costs.of(attempt.model(), usage)); // counting tokens is free
        finish(chunkAck, completion);
    }

    @Override
    public void onFailed(AttemptRunner attempt, UpstreamFailure failure) {
        Call call = find(attempt);
        if (call == null || finished) {
            return;
        }
        cancelTimer(call.ttftTimer);
        call.ttftTimer = -1;
        if (call == streaming) {
            failedWhileStreaming(call, failure);
            return;
        }
        racing.remove(call);
        FailoverPolicy.Verdict verdict = FailoverPolicy.beforeFirstContent(failure);
        close(call, verdict.outcome(), failure.summary(), failure.status());
        observeHealth(call, failure);
        lastFailure = failure;
        if (Outcome.CONTEXT_LENGTH.equals(verdict.outcome()) && attempt.model().contextWindow() != null) {
            minContextWindow = Math.max(minContextWindow == null ? 0 : minContextWindow, attempt.model().contextWindow());
        }
        if (!verdict.tryNext()) {
            clientError = failure;
        }
        LOG.info("request {} attempt {} on {} failed ({}): {}", request.getRequestId(), attempt.number(),
                attempt.model().id(), verdict.tryNext() ? "trying the next candidate" : "returned to the client", failure.summary());
        if (racing.isEmpty()) {
            advance();
        } else {
            maybeHedge();
        }
    }

    /** The call feeding the client failed: continue on another candidate if allowed and possible, else end with an error. */
    private void failedWhileStreaming(Call call, UpstreamFailure failure) {
        boolean midAnswer = call.runner.hasContent() || call.continuation;
        observeHealth(call, failure);
        lastFailure = failure;
        if (call.runner.hasContent()) {
            LOG.warn("request {} attempt {} on {} broke mid-answer: {}", request.getRequestId(), call.runner.number(),
                    call.modelId(), failure.summary());
            close(call, Outcome.ERROR, "stream broke mid-answer: " + failure.summary(), failure.status());
        } else {
            close(call, FailoverPolicy.beforeFirstContent(failure).outcome(), failure.summary(), failure.status());
        }
        streaming = null;
        if (midAnswer && policy.continueMidstream() && continuable && streamedText.length() > 0 && startContinuation(call)) {
            return;
        }
        String detail = policy.continueMidstream()
                ? (continuable ? " (continue_midstream: no remaining candidate can continue a partial answer)"
                        : " (continue_midstream: a tool call or reasoning block was under way)")
                : "";
        ReplyError error = error(502, "upstream_error", "stream_interrupted",
                "the provider's stream broke mid-answer (" + call.modelId() + "): " + failure.message() + detail);
        CompletableFuture<Void> chunkAck = clientWriter.error(error, header(call), snapshot());
        finish(chunkAck, completion(CompletionStatus.ERROR, 502)
                .setModelId(call.modelId())
                .setProvider(call.runner.model().provider())
                .setErrorType(error.getType())
                .setErrorMessage(error.getMessage()));
    }

    /**
     * Hands the partial answer to the next candidate that can continue an assistant message; its deltas go on under
     * the client's attempt id. Candidates that can't continue are passed over (and stay unused).
     */
    private boolean startContinuation(Call broken) {
        while (nextCandidate < dispatch.getCandidates().size() && callsMade < policy.maxAttempts()) {
            Candidate candidate = dispatch.getCandidates().get(nextCandidate++);
            Optional<CatalogModel> found = rt.catalog().find(candidate.getModelId());
            if (found.isEmpty() || tooSmall(found.get())) {
                continue;
            }
            CatalogModel model = found.get();
            Optional<ProviderSettings> settings = rt.providers().resolve(model.provider(), model.api());
            if (settings.isEmpty() || !Continuations.canContinue(model, settings.get().protocol(), request)) {
                continue;
            }
            Admission admission = rt.health().admit(model.id());
            if (!admission.allowed()) {
                skippedUnhealthy(model, admission);
                continue;
            }
            Continuations.Prefill prefill = Continuations.prefill(streamedText.toString());
            stripLeadingWhitespace = prefill.strippedTrailingWhitespace();
            String role = "continuation of attempt " + broken.runner.number() + " (" + broken.modelId() + ") after "
                    + streamedText.length() + " characters, streamed under attempt id " + clientWriter.attemptId();
            LOG.info("request {}: {}", request.getRequestId(), role);
            startCall(model, settings.get(), admission.probe(), role,
                    Continuations.request(request, prefill.text(), settings.get().protocol()), clientWriter);
            return true;
        }
        return false;
    }

    private void observeHealth(Call call, UpstreamFailure failure) {
        String model = call.modelId();
        if (failure.retryAfter() != null && failure.status() != null && (failure.status() == 429 || failure.status() == 503)) {
            rt.health().retryAfter(model, rt.clock().instant().plus(failure.retryAfter()),
                    "Retry-After " + failure.retryAfter().toSeconds() + "s (" + failure.status() + ")");
        }
        if (FailoverPolicy.countsAgainstProvider(failure)) {
            rt.health().failure(model, call.probe, failure.summary());
        } else {
            rt.health().abandoned(model, call.probe);
        }
    }

    private void onTotalTimeout(boolean byTotalTimeout) {
        totalTimer = -1;
        if (finished) {
            return;
        }
        String what = byTotalTimeout ? "the total timeout of " + policy.totalTimeoutMs() + " ms" : "the request's deadline";
        for (Call call : racing) {
            stop(call);
            close(call, Outcome.TIMEOUT, what + " passed", null);
            rt.health().abandoned(call.modelId(), call.probe);
        }
        racing.clear();
        Call call = streaming;
        if (call != null) {
            stop(call);
            close(call, Outcome.TIMEOUT, what + " passed", null);
            rt.health().abandoned(call.modelId(), call.probe);
            if (clientWriter != null && clientWriter.started()) {
                ReplyError error = error(504, "timeout_error", "timeout", what + " passed mid-answer");
                CompletableFuture<Void> chunkAck = clientWriter.error(error, header(call), snapshot());
                finish(chunkAck, completion(CompletionStatus.ERROR, 504)
                        .setModelId(call.modelId())
                        .setProvider(call.runner.model().provider())
                        .setErrorType(error.getType())
                        .setErrorMessage(error.getMessage()));
                return;
            }
        }
        failWith(error(504, "timeout_error", "timeout", "no answer before " + what + " passed" + triedSummary()));
    }

    // ---- endings -------------------------------------------------------------------------------------------------

    private void failAll() {
        UpstreamFailure failure = lastFailure != null ? lastFailure
                : UpstreamFailure.notConfigured("the request has no candidate model to call");
        ReplyError error = replyError(failure);
        if (attempts.size() > 1) {
            error.setMessage(error.getMessage() + triedSummary());
        }
        failWith(error);
    }

    /** Ends the request with an error chunk: on the last attempt's id when it sent nothing yet, else a fresh one. */
    private void failWith(ReplyError error) {
        ChunkWriter writer = lastWriter != null && !lastWriter.started() ? lastWriter
                : new ChunkWriter(rt.publisher(), request, rt.attemptIds().next(), 0, rt.coalescing());
        String modelId = attempts.isEmpty() ? null : attempts.get(attempts.size() - 1).getModelId();
        ChunkWriter.Header header = new ChunkWriter.Header(modelId, null, dispatch.getRouterId(),
                dispatch.getRouteId(), dispatch.getVariantId());
        CompletableFuture<Void> chunkAck = writer.error(error, header, snapshot());
        finish(chunkAck, completion(CompletionStatus.ERROR, error.getStatus())
                .setErrorType(error.getType())
                .setErrorMessage(error.getMessage()));
    }

    private void finishCancelled(String reason) {
        finish(CompletableFuture.completedFuture(null), completion(CompletionStatus.CANCELLED, 499)
                .setErrorType("cancelled")
                .setErrorMessage("cancelled: " + reason));
    }

    private void finish(CompletableFuture<Void> chunkAck, Completion.Builder completion) {
        if (finished) {
            return;
        }
        finished = true;
        cancelTimers();
        discardBufferedReply(); // nothing is left after a terminal chunk; a cancelled request's client is gone
        for (Call call : allCalls()) {
            stop(call); // hedges still waiting, when the request ends some other way
        }
        Completion built = completion.build();
        rt.metrics().requestFinished(built.getStatus().name());
        CompletableFuture<Void> completionAck = rt.publisher().completion(built);
        CompletableFuture.allOf(chunkAck, completionAck).whenComplete((v, e) -> {
            if (e != null) {
                LOG.error("request {}: cannot publish its reply or completion; it will be redelivered: {}",
                        request.getRequestId(), e.toString());
                done.completeExceptionally(e);
            } else {
                done.complete(null);
            }
        });
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private Call find(AttemptRunner runner) {
        if (streaming != null && streaming.runner == runner) {
            return streaming;
        }
        for (Call call : racing) {
            if (call.runner == runner) {
                return call;
            }
        }
        return null;
    }

    private void discardBufferedReply() {
        if (clientWriter != null) {
            clientWriter.discard();
        }
    }

    private List<Call> allCalls() {
        List<Call> all = new ArrayList<>(racing);
        if (streaming != null) {
            all.add(streaming);
        }
        return all;
    }

    private void stop(Call call) {
        cancelTimer(call.ttftTimer);
        call.ttftTimer = -1;
        call.runner.cancel();
    }

    private void close(Call call, String outcome, String reason, Integer status) {
        Attempt.Builder record = call.record;
        if (!Outcome.STREAMING.equals(record.getOutcome())) {
            return;
        }
        record.setOutcome(outcome)
                .setReason(reason)
                .setHttpStatus(status)
                .setDurationMs(Duration.between(record.getStartedAt(), rt.clock().instant()).toMillis());
        rt.metrics().attemptFinished(record.getProvider(), outcome);
    }

    private ChunkWriter.Header header(Call call) {
        return new ChunkWriter.Header(call.modelId(), call.runner.modelName(), dispatch.getRouterId(),
                dispatch.getRouteId(), dispatch.getVariantId(), call.runner.usage());
    }

    private List<Attempt> snapshot() {
        List<Attempt> list = new ArrayList<>(attempts.size());
        for (Attempt.Builder record : attempts) {
            list.add(record.build());
        }
        return list;
    }

    private String triedSummary() {
        StringBuilder sb = new StringBuilder();
        for (Attempt.Builder a : attempts) {
            sb.append(sb.length() == 0 ? " (tried: " : ", ").append(a.getModelId()).append(' ').append(a.getOutcome());
            if (a.getHttpStatus() != null) {
                sb.append(' ').append(a.getHttpStatus());
            }
        }
        return sb.length() == 0 ? "" : sb.append(')').toString();
    }

    private Completion.Builder completion(CompletionStatus status, int httpStatus) {
        Instant now = rt.clock().instant();
        Map<String, String> metadata = new java.util.HashMap<>();
        request.getMetadata().forEach((k, v) -> {
            if (v != null) {
                metadata.put(k, String.valueOf(v));
            }
        });
        return Completion.newBuilder()
                .setRequestId(request.getRequestId())
                .setReceivedAt(request.getReceivedAt())
                .setCompletedAt(now)
                .setProtocol(request.getProtocol())
                .setStream(request.getStream())
                .setRequestedModel(request.getModel())
                .setRouterId(dispatch.getRouterId())
                .setRouterVersion(dispatch.getRouterVersion())
                .setRouteId(dispatch.getRouteId())
                .setVariantId(dispatch.getVariantId())
                .setUserId(request.getUserId())
                .setApiKeyId(request.getApiKeyId())
                .setMetadata(metadata)
                .setStatus(status)
                .setHttpStatus(httpStatus)
                .setAttempts(snapshot())
                .setTtftMs(firstContentAt == null ? null : Duration.between(request.getReceivedAt(), firstContentAt).toMillis())
                .setLatencyMs(Math.max(0, Duration.between(request.getReceivedAt(), now).toMillis()))
                .setNotes(List.copyOf(notes))
                .setCountTokens(request.getCountTokens());
    }

    static ReplyError replyError(UpstreamFailure failure) {
        if (failure.status() != null && (failure.status() == 401 || failure.status() == 403)) {
            // The provider refused Switchyard's own key: passing its 401 on would tell the client its key is wrong.
            return error(502, "api_error", failure.status() == 401 ? "upstream_authentication_error" : "upstream_permission_error",
                    "the provider refused Switchyard's credentials (HTTP " + failure.status() + ": " + failure.message()
                            + "); the router's provider configuration needs fixing, not the request");
        }
        int status = failure.status() != null ? failure.status()
                : failure.kind() == UpstreamFailure.Kind.TIMEOUT ? 504 : 502;
        return ReplyError.newBuilder()
                .setStatus(status)
                .setType(failure.type() != null ? failure.type() : UpstreamFailure.typeForStatus(status))
                .setCode(failure.code())
                .setParam(failure.param())
                .setMessage(failure.message() != null ? failure.message() : "provider error " + status)
                .setRetryAfterSeconds(retryAfterSeconds(status, failure.retryAfter()))
                .build();
    }

    /** Retry-After in whole seconds, rounded up (never 0: "now" already failed), for the statuses that carry one. */
    static Integer retryAfterSeconds(int status, Duration retryAfter) {
        if (retryAfter == null || (status != 429 && status != 503)) {
            return null;
        }
        long millis = Math.max(1, retryAfter.toMillis());
        return (int) Math.min(Integer.MAX_VALUE, (millis + 999) / 1000);
    }

    private static ReplyError error(int status, String type, String code, String message) {
        return ReplyError.newBuilder().setStatus(status).setType(type).setCode(code).setMessage(message).build();
    }

    private void cancelTimer(long timer) {
        if (timer >= 0) {
            rt.vertx().cancelTimer(timer);
        }
    }

    private void cancelHedgeTimer() {
        cancelTimer(hedgeTimer);
        hedgeTimer = -1;
    }

    private void cancelTimers() {
        cancelHedgeTimer();
        cancelTimer(totalTimer);
        totalTimer = -1;
    }
}
