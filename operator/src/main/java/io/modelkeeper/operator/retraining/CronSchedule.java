package io.modelkeeper.operator.retraining;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;

/** spec.triggers.schedule: a five-field Unix cron expression in a time zone. */
public final class CronSchedule {

  private static final CronParser UNIX =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  private final String text;
  private final ExecutionTime times;
  private final ZoneId zone;

  private CronSchedule(String text, ExecutionTime times, ZoneId zone) {
    this.text = text;
    this.times = times;
    this.zone = zone;
  }

  /** Parses the schedule; throws IllegalArgumentException naming the field and the rule. */
  public static CronSchedule parse(String text, String timeZone) {
    ZoneId zone;
    try {
      zone = ZoneId.of(timeZone == null ? "UTC" : timeZone);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException(
          "spec.triggers.timeZone '" + timeZone + "' is not a time zone, for example Europe/Paris");
    }
    try {
      return new CronSchedule(text, ExecutionTime.forCron(UNIX.parse(text)), zone);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "spec.triggers.schedule '"
              + text
              + "' is not a five-field cron schedule (minute hour day-of-month month day-of-week),"
              + " for example \"0 3 * * 0\": "
              + e.getMessage());
    }
  }

  /** The first time the schedule fires after {@code after}. */
  public Optional<Instant> nextAfter(Instant after) {
    return times.nextExecution(ZonedDateTime.ofInstant(after, zone)).map(ZonedDateTime::toInstant);
  }

  /** The last time the schedule fired at or before {@code at}. */
  public Optional<Instant> lastAtOrBefore(Instant at) {
    // lastExecution is strictly before its argument; one second later includes {@code at}.
    return times
        .lastExecution(ZonedDateTime.ofInstant(at.plusSeconds(1), zone))
        .map(ZonedDateTime::toInstant);
  }

  @Override
  public String toString() {
    return text;
  }
}
