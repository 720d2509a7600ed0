package io.modelkeeper.bench;

/** Samples a server's resident set size every 100 ms and keeps the peak. */
final class RssSampler implements AutoCloseable {

  private final Thread thread;
  private volatile double peak;
  private volatile boolean stopped;

  RssSampler(ServerProcess server) {
    thread =
        new Thread(
            () -> {
              while (!stopped) {
                double rss = server.rssMiB("VmRSS");
                if (!Double.isNaN(rss)) {
                  peak = Math.max(peak, rss);
                }
                try {
                  Thread.sleep(100);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "rss-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  double peak() {
    return peak;
  }

  @Override
  public void close() {
    stopped = true;
    thread.interrupt();
  }
}
