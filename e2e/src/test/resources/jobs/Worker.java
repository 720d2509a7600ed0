import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A two-worker Indexed Job's worker: worker 0 listens on its pod address, worker 1 finds it by its
 * DNS name, {@code <job>-0.<subdomain>}, through the pod's hosts file and reads its greeting.
 */
public class Worker {
  public static void main(String[] args) throws Exception {
    int index = Integer.parseInt(System.getenv("JOB_COMPLETION_INDEX"));
    String peer = args[0];
    if (index == 0) {
      InetAddress self = InetAddress.getByName(System.getenv("POD_IP"));
      try (ServerSocket server = new ServerSocket(7077, 1, self)) {
        server.setSoTimeout(60_000);
        try (Socket client = server.accept()) {
          client.getOutputStream().write("hello from worker 0\n".getBytes(StandardCharsets.UTF_8));
        }
      }
      System.out.println("worker 0 served its peer");
      return;
    }
    IOException last = null;
    for (int attempt = 0; attempt < 240; attempt++) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(InetAddress.getByName(peer), 7077), 1000);
        BufferedReader in =
            new BufferedReader(
                new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        System.out.println("worker 1 reached " + peer + ": " + in.readLine());
        return;
      } catch (IOException e) {
        last = e;
        Thread.sleep(250);
      }
    }
    throw last;
  }
}
