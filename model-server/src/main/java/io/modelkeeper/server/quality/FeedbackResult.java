package io.modelkeeper.server.quality;

/** The answer to one feedback item; {@code message} is null when the label was accepted. */
public record FeedbackResult(String id, FeedbackStatus status, String message) {}
