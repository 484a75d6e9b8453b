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
 * One dispatched request, from its first candidate to its Completion. Tries the candidates in order
 * ({@link FailoverPolicy} decides which failures move on), streams the answering attempt's deltas as reply chunks,
 * and ends with exactly one terminal chunk (final answer or error; none for a cancelled request, whose client is
 * gone) and one Completion recording every attempt. Everything runs on the request's Vert.x context: no locks.
 * {@link #done()} completes once the Completion and the last chunk are acknowledged by the broker, which is when the
 * dispatch record may be committed; it fails when the request was {@link #abandon() abandoned} (worker shutdown) or
 * its output could not be published, so that the dispatch is redelivered.
 */
public final class RequestExecution implements AttemptRunner.Observer {
    private static final Logger LOG = LoggerFactory.getLogger(RequestExecution.class);

    private final Dispatch dispatch;
    private final ChatRequest request;
    private final WorkerRuntime rt;
    private final FailoverPolicy policy;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final List<Attempt.Builder> attempts = new ArrayList<>();
    private final LinkedHashSet<String> notes = new LinkedHashSet<>();

    private int nextCandidate;
    private int callsMade;
    private Integer minContextWindow;
    private AttemptRunner current;
    private Attempt.Builder currentRecord;
    private ChunkWriter currentWriter;
    private UpstreamFailure lastFailure;
    private Instant firstContentAt;
    private long ttftTimer = -1;
    private long totalTimer = -1;
    private boolean finished;

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
        tryNext();
    }

    /** A CANCEL for this request: stop the provider call and record the request as cancelled. */
    public void cancel(String reason) {
        if (finished) {
            return;
        }
        if (current != null) {
            current.cancel();
            closeRecord(Outcome.CANCELLED, "cancelled: " + reason, null);
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
        if (current != null) {
            current.cancel();
        }
        done.completeExceptionally(new CancellationException("abandoned at shutdown"));
    }

    // ---- candidate selection -------------------------------------------------------------------------------------

    private void tryNext() {
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
            if (minContextWindow != null && model.contextWindow() != null && model.contextWindow() <= minContextWindow) {
                skipped(model.id(), model.provider(), Outcome.CONTEXT_LENGTH, "skipped: context window of "
                        + model.contextWindow() + " tokens is not larger than the one that was exceeded", null);
                continue;
            }
            Optional<Instant> blocked = rt.retryAfter().blockedUntil(model.id(), rt.clock().instant());
            if (blocked.isPresent()) {
                lastFailure = UpstreamFailure.http(429, "rate_limit_error", null, null,
                        model.id() + " is rate-limited until " + blocked.get() + " (Retry-After)", null);
                skipped(model.id(), model.provider(), Outcome.SKIPPED_UNHEALTHY,
                        "Retry-After until " + blocked.get(), 429);
                continue;
            }
            Optional<ProviderSettings> settings = rt.providers().resolve(model.provider(), model.api());
            if (settings.isEmpty()) {
                lastFailure = UpstreamFailure.notConfigured(ProviderRegistry.notConfiguredMessage(model.provider()));
                skipped(model.id(), model.provider(), Outcome.ERROR, lastFailure.message(), 503);
                continue;
            }
            startAttempt(model, settings.get());
            return;
        }
        if (!finished) {
            failAll();
        }
    }

    /** Whether a call could still be made after the current one (the TTFT deadline never cuts the last one). */
    private boolean anotherCandidateCallable() {
        if (callsMade >= policy.maxAttempts()) {
            return false;
        }
        Instant now = rt.clock().instant();
        for (int i = nextCandidate; i < dispatch.getCandidates().size(); i++) {
            Optional<CatalogModel> model = rt.catalog().find(dispatch.getCandidates().get(i).getModelId());
            if (model.isPresent() && rt.retryAfter().blockedUntil(model.get().id(), now).isEmpty()
                    && rt.providers().resolve(model.get().provider(), model.get().api()).isPresent()) {
                return true;
            }
        }
        return false;
    }

    private void startAttempt(CatalogModel model, ProviderSettings settings) {
        callsMade++;
        int number = attempts.size() + 1;
        String attemptId = rt.attemptIds().next();
        Instant now = rt.clock().instant();
        currentRecord = Attempt.newBuilder()
                .setAttempt(number)
                .setAttemptId(attemptId)
                .setModelId(model.id())
                .setProvider(model.provider())
                .setStartedAt(now)
                .setOutcome(Outcome.STREAMING);
        attempts.add(currentRecord);
        currentWriter = new ChunkWriter(rt.publisher(), request, attemptId, number);
        List<String> callNotes = new ArrayList<>();
        AttemptRunner runner = new AttemptRunner(attemptId, number, model,
                rt.adapters().forProtocol(settings.protocol()), new CallSpec(request, model, settings, callNotes), this, rt.clock());
        current = runner;
        if (policy.ttftTimeoutMs() != null) {
            ttftTimer = rt.vertx().setTimer(policy.ttftTimeoutMs(), id -> onTtftTimeout(runner));
        }
        LOG.debug("request {} attempt {} ({}) -> {} via {}", request.getRequestId(), number, attemptId, model.id(), settings);
        runner.start();
        notes.addAll(callNotes); // adapters note dropped parameters while building the body, i.e. during start()
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

    // ---- attempt callbacks ---------------------------------------------------------------------------------------

    @Override
    public void onFirstContent(AttemptRunner attempt) {
        if (attempt != current || finished) {
            attempt.cancel();
            return;
        }
        cancelTtftTimer();
        firstContentAt = attempt.firstContentAt();
        Duration ttft = Duration.between(attempt.startedAt(), firstContentAt);
        currentRecord.setTtftMs(ttft.toMillis());
        rt.metrics().upstreamTtft(attempt.model().provider(), ttft);
    }

    @Override
    public void onContent(AttemptRunner attempt, Delta delta) {
        if (attempt == current && !finished) {
            currentWriter.content(delta, () -> header(attempt), this::snapshot);
        }
    }

    @Override
    public void onFinished(AttemptRunner attempt) {
        if (attempt != current || finished) {
            return;
        }
        closeRecord(Outcome.OK, null, 200);
        Usage usage = attempt.usage();
        CompletableFuture<Void> chunkAck = currentWriter.finish(attempt.finishReason(), usage, header(attempt), snapshot());
        Completion.Builder completion = completion(CompletionStatus.OK, 200)
                .setModelId(attempt.model().id())
                .setProvider(attempt.model().provider())
                .setFinishReason(attempt.finishReason())
                .setUsage(usage)
                .setCostUsd(Costs.of(attempt.model(), usage));
        finish(chunkAck, completion);
    }

    @Override
    public void onFailed(AttemptRunner attempt, UpstreamFailure failure) {
        if (attempt != current || finished) {
            return;
        }
        cancelTtftTimer();
        if (attempt.hasContent()) {
            LOG.warn("request {} attempt {} on {} broke mid-answer: {}", request.getRequestId(), attempt.number(),
                    attempt.model().id(), failure.summary());
            closeRecord(Outcome.ERROR, "stream broke mid-answer: " + failure.summary(), failure.status());
            ReplyError error = error(502, "upstream_error", "stream_interrupted",
                    "the provider's stream broke mid-answer (" + attempt.model().id() + "): " + failure.message());
            CompletableFuture<Void> chunkAck = currentWriter.error(error, header(attempt), snapshot());
            finish(chunkAck, completion(CompletionStatus.ERROR, 502)
                    .setModelId(attempt.model().id())
                    .setProvider(attempt.model().provider())
                    .setErrorType(error.getType())
                    .setErrorMessage(error.getMessage()));
            return;
        }
        FailoverPolicy.Verdict verdict = FailoverPolicy.beforeFirstContent(failure);
        closeRecord(verdict.outcome(), failure.summary(), failure.status());
        lastFailure = failure;
        if (failure.retryAfter() != null && failure.status() != null && (failure.status() == 429 || failure.status() == 503)) {
            rt.retryAfter().block(attempt.model().id(), rt.clock().instant().plus(failure.retryAfter()));
        }
        if (Outcome.CONTEXT_LENGTH.equals(verdict.outcome()) && attempt.model().contextWindow() != null) {
            minContextWindow = Math.max(minContextWindow == null ? 0 : minContextWindow, attempt.model().contextWindow());
        }
        LOG.info("request {} attempt {} on {} failed ({}): {}", request.getRequestId(), attempt.number(),
                attempt.model().id(), verdict.tryNext() ? "trying the next candidate" : "returned to the client", failure.summary());
        current = null;
        if (verdict.tryNext()) {
            tryNext();
        } else {
            failWith(replyError(failure));
        }
    }

    private void onTtftTimeout(AttemptRunner attempt) {
        ttftTimer = -1;
        if (attempt != current || finished || attempt.hasContent() || !anotherCandidateCallable()) {
            return; // the last callable candidate is never cut by the TTFT deadline
        }
        attempt.cancel();
        closeRecord(Outcome.TTFT_TIMEOUT, "no first token within " + policy.ttftTimeoutMs() + " ms", null);
        lastFailure = UpstreamFailure.timeout(attempt.model().id() + " sent no first token within " + policy.ttftTimeoutMs() + " ms");
        current = null;
        tryNext();
    }

    private void onTotalTimeout(boolean byTotalTimeout) {
        totalTimer = -1;
        if (finished) {
            return;
        }
        String what = byTotalTimeout ? "the total timeout of " + policy.totalTimeoutMs() + " ms" : "the request's deadline";
        if (current != null) {
            current.cancel();
            closeRecord(Outcome.TIMEOUT, what + " passed", null);
            if (current.hasContent()) {
                ReplyError error = error(504, "timeout_error", "timeout", what + " passed mid-answer");
                CompletableFuture<Void> chunkAck = currentWriter.error(error, header(current), snapshot());
                finish(chunkAck, completion(CompletionStatus.ERROR, 504)
                        .setModelId(current.model().id())
                        .setProvider(current.model().provider())
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
        ChunkWriter writer = currentWriter != null && currentWriter.sent() == 0 ? currentWriter
                : new ChunkWriter(rt.publisher(), request, rt.attemptIds().next(), 0);
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

    private void closeRecord(String outcome, String reason, Integer status) {
        if (currentRecord == null || !Outcome.STREAMING.equals(currentRecord.getOutcome())) {
            return;
        }
        currentRecord.setOutcome(outcome)
                .setReason(reason)
                .setHttpStatus(status)
                .setDurationMs(Duration.between(currentRecord.getStartedAt(), rt.clock().instant()).toMillis());
        rt.metrics().attemptFinished(currentRecord.getProvider(), outcome);
    }

    private ChunkWriter.Header header(AttemptRunner attempt) {
        return new ChunkWriter.Header(attempt.model().id(), attempt.modelName(), dispatch.getRouterId(),
                dispatch.getRouteId(), dispatch.getVariantId());
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
                .setNotes(List.copyOf(notes));
    }

    private static ReplyError replyError(UpstreamFailure failure) {
        int status = failure.status() != null ? failure.status()
                : failure.kind() == UpstreamFailure.Kind.TIMEOUT ? 504 : 502;
        return ReplyError.newBuilder()
                .setStatus(status)
                .setType(failure.type() != null ? failure.type() : UpstreamFailure.typeForStatus(status))
                .setCode(failure.code())
                .setParam(failure.param())
                .setMessage(failure.message() != null ? failure.message() : "provider error " + status)
                .build();
    }

    private static ReplyError error(int status, String type, String code, String message) {
        return ReplyError.newBuilder().setStatus(status).setType(type).setCode(code).setMessage(message).build();
    }

    private void cancelTtftTimer() {
        if (ttftTimer >= 0) {
            rt.vertx().cancelTimer(ttftTimer);
            ttftTimer = -1;
        }
    }

    private void cancelTimers() {
        cancelTtftTimer();
        if (totalTimer >= 0) {
            rt.vertx().cancelTimer(totalTimer);
            totalTimer = -1;
        }
    }
}
