package io.modelkeeper.trainer;

import io.modelkeeper.trainer.evaluate.EvaluateCommand;
import io.modelkeeper.trainer.train.TrainCommand;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;

/**
 * {@code java -jar modelkeeper-trainer.jar train|evaluate}: the reference trainer and evaluator of
 * continuous training, configured by the training-pod contract's environment (docs/training.md).
 * Exit code 0 on success (a candidate that is not blessed included), 1 with a one-line error on
 * stderr and in the termination log otherwise, 2 for a wrong command line.
 */
public final class TrainerMain {
  static final String USAGE =
      "usage: java -jar modelkeeper-trainer.jar train|evaluate (configured by MODELKEEPER_*"
          + " environment variables, see docs/training.md)";

  private TrainerMain() {}

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), Clock.systemUTC(), System.out, System.err));
  }

  /** Runs one command; returns the exit code. */
  public static int run(
      String[] args,
      Map<String, String> environment,
      Clock clock,
      PrintStream out,
      PrintStream err) {
    Environment env = new Environment(environment);
    if (args.length != 1 || !(args[0].equals("train") || args[0].equals("evaluate"))) {
      err.println(USAGE);
      Results.terminationMessage(env, USAGE);
      return 2;
    }
    try {
      String summary =
          args[0].equals("train")
              ? TrainCommand.run(env, clock, out, err).summary()
              : EvaluateCommand.run(env, clock).summary();
      out.println(summary);
      Results.terminationMessage(env, summary);
      return 0;
    } catch (TrainerException e) {
      return fail(env, err, args[0] + ": " + e.getMessage());
    } catch (RuntimeException | OutOfMemoryError e) {
      return fail(env, err, args[0] + ": unexpected error: " + e);
    }
  }

  private static int fail(Environment env, PrintStream err, String message) {
    String line = message.replace('\n', ' ');
    err.println(line);
    Results.terminationMessage(env, line);
    return 1;
  }
}
