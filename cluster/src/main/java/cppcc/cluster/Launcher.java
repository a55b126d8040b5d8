package cppcc.cluster;

import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;
import org.apache.zookeeper.server.ServerConfig;
import org.apache.zookeeper.server.ZooKeeperServerMain;
import org.apache.zookeeper.server.quorum.QuorumPeerConfig;

/**
 * A local SolrCloud on loopback: one ZooKeeper process and N Solr node processes.
 *
 * <p>Each node is a JVM of its own (its own pid), so a test can kill one with kill -9 while the
 * other keeps answering. ZooKeeper runs in a small process of its own rather than inside node 1:
 * then losing any node, the first included, leaves the cluster state readable.
 *
 * <pre>
 * start --dir D [--nodes 2] [--heap 768m] [--timeout 180]  start, wait until healthy, write D/cluster.json
 * stop --dir D                                             stop every process cluster.json lists
 * zookeeper --dir D                                        (internal) run ZooKeeper
 * node --dir D --zk HOST:PORT                              (internal) run one Solr node
 * </pre>
 */
public final class Launcher {
  private static final String MAIN = Launcher.class.getName();
  private static final String LOOPBACK = "127.0.0.1";
  private static final String PORT_FILE = "port";

  private Launcher() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      fail("usage: Launcher start|stop|zookeeper|node --dir DIR [options]");
    }
    Path dir = Path.of(option(args, "--dir", null)).toAbsolutePath();
    try {
      switch (args[0]) {
        case "start" -> start(
            dir,
            Integer.parseInt(option(args, "--nodes", "2")),
            option(args, "--heap", "768m"),
            Integer.parseInt(option(args, "--timeout", "180")));
        case "stop" -> stop(dir);
        case "zookeeper" -> runZookeeper(dir);
        case "node" -> runNode(dir, option(args, "--zk", null));
        default -> fail("unknown command: " + args[0]);
      }
    } catch (LaunchError e) {
      fail(e.getMessage());
    }
  }

  // -- start and stop ---------------------------------------------------------------------------

  private static void start(Path dir, int nodes, String heap, int timeoutSeconds)
      throws Exception {
    Path clusterJson = dir.resolve("cluster.json");
    if (Files.exists(clusterJson) && anyAlive(Files.readString(clusterJson))) {
      throw new LaunchError("a cluster is already running from " + clusterJson + ": make cluster-down first");
    }
    Files.createDirectories(dir);
    Files.deleteIfExists(clusterJson);
    long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
    List<Process> started = new ArrayList<>();
    try {
      Path zkDir = fresh(dir.resolve("zookeeper"));
      Process zk = spawn(zkDir, heap, "zookeeper", "--dir", zkDir.toString());
      started.add(zk);
      int zkPort = awaitPort(zkDir, zk, deadline);
      List<Integer> ports = new ArrayList<>();
      List<Process> nodeProcesses = new ArrayList<>();
      for (int i = 1; i <= nodes; i++) {
        Path nodeDir = fresh(dir.resolve("node-" + i));
        Process node =
            spawn(nodeDir, heap, "node", "--dir", nodeDir.toString(), "--zk", LOOPBACK + ":" + zkPort);
        started.add(node);
        nodeProcesses.add(node);
      }
      for (int i = 0; i < nodes; i++) {
        ports.add(awaitPort(dir.resolve("node-" + (i + 1)), nodeProcesses.get(i), deadline));
      }
      String url = "http://" + LOOPBACK + ":" + ports.get(0) + "/solr";
      awaitLiveNodes(url, ports, deadline);
      StringBuilder json = new StringBuilder();
      json.append("{\"url\": \"").append(url).append("\", \"nodes\": [");
      for (int i = 0; i < nodes; i++) {
        json.append(i == 0 ? "" : ", ")
            .append("{\"port\": ").append(ports.get(i))
            .append(", \"pid\": ").append(nodeProcesses.get(i).pid()).append('}');
      }
      json.append("], \"zookeeper\": {\"port\": ").append(zkPort)
          .append(", \"pid\": ").append(zk.pid()).append("}}\n");
      Path tmp = dir.resolve(".cluster.json.tmp");
      Files.writeString(tmp, json.toString());
      Files.move(tmp, clusterJson, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      System.out.println("cluster: " + nodes + " Solr nodes at " + url + " (" + clusterJson + ")");
    } catch (Exception | Error e) {
      for (Process process : started) {
        process.destroyForcibly();
      }
      throw e;
    }
  }

  private static void stop(Path dir) throws Exception {
    Path clusterJson = dir.resolve("cluster.json");
    if (!Files.exists(clusterJson)) {
      System.out.println("cluster: nothing to stop in " + dir);
      return;
    }
    List<ProcessHandle> ours = new ArrayList<>();
    for (long pid : pids(Files.readString(clusterJson))) {
      ourProcess(pid).ifPresent(ours::add);
    }
    // Nodes first and ZooKeeper last (listed last), so nodes deregister cleanly.
    for (ProcessHandle handle : ours) {
      if (handle.isAlive()) {
        handle.destroy();
        try {
          handle.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
          handle.destroyForcibly();
        }
      }
    }
    Files.delete(clusterJson);
    System.out.println("cluster: stopped " + ours.size() + " processes");
  }

  /** The process of a pid when it is still one of our launcher's processes (pids are reused). */
  private static Optional<ProcessHandle> ourProcess(long pid) {
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(h -> commandLine(h.pid()).contains(MAIN));
  }

  /** The process's command line, read from /proc: ProcessHandle.Info leaves out long ones. */
  private static String commandLine(long pid) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private static boolean anyAlive(String clusterJson) {
    return pids(clusterJson).stream().anyMatch(pid -> ourProcess(pid).isPresent());
  }

  private static List<Long> pids(String clusterJson) {
    List<Long> pids = new ArrayList<>();
    Matcher matcher = Pattern.compile("\"pid\":\\s*(\\d+)").matcher(clusterJson);
    while (matcher.find()) {
      pids.add(Long.parseLong(matcher.group(1)));
    }
    return pids;
  }

  private static Path fresh(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (var paths = Files.walk(dir)) {
        paths.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      }
    }
    return Files.createDirectories(dir);
  }

  /** A detached JVM running this class: output to DIR/log, no input, outliving this launcher. */
  private static Process spawn(Path dir, String heap, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + heap);
    command.add("-Xss1m");
    command.add("-XX:+UseG1GC");
    command.add("-Djava.net.preferIPv4Stack=true");
    command.add("-Dsolr.log.dir=" + dir);
    command.add("-cp");
    command.add(absoluteClassPath());
    command.add(MAIN);
    command.addAll(List.of(args));
    File log = dir.resolve("log").toFile();
    return new ProcessBuilder(command)
        .directory(dir.toFile())
        .redirectInput(Redirect.from(new File("/dev/null")))
        .redirectOutput(Redirect.appendTo(log))
        .redirectError(Redirect.appendTo(log))
        .start();
  }

  /** This JVM's classpath with every entry absolute: the children run in their own folders. */
  private static String absoluteClassPath() {
    List<String> entries = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      entries.add(Path.of(entry).toAbsolutePath().toString());
    }
    return String.join(File.pathSeparator, entries);
  }

  private static int awaitPort(Path dir, Process process, long deadline) throws Exception {
    Path file = dir.resolve(PORT_FILE);
    while (System.nanoTime() < deadline) {
      if (Files.exists(file)) {
        String text = Files.readString(file).trim();
        if (!text.isEmpty()) {
          return Integer.parseInt(text);
        }
      }
      if (!process.isAlive()) {
        throw new LaunchError("a cluster process exited early (exit " + process.exitValue() + "): see " + dir.resolve("log"));
      }
      Thread.sleep(100);
    }
    throw new LaunchError("timed out waiting for " + file);
  }

  /** Waits until ZooKeeper lists every node as live (CLUSTERSTATUS from the first node). */
  private static void awaitLiveNodes(String url, List<Integer> ports, long deadline)
      throws Exception {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    URI status = URI.create(url + "/admin/collections?action=CLUSTERSTATUS&wt=json");
    String last = "";
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> response =
            client.send(
                HttpRequest.newBuilder(status).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        last = response.body();
        if (response.statusCode() == 200
            && ports.stream().allMatch(p -> response.body().contains(LOOPBACK + ":" + p + "_solr"))) {
          return;
        }
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(250);
    }
    throw new LaunchError("timed out waiting for " + ports.size() + " live nodes; last answer: " + last);
  }

  // -- the processes ----------------------------------------------------------------------------

  private static void runZookeeper(Path dir) throws Exception {
    // No admin web server (it would take port 8080) and only the status words Solr's UI uses.
    System.setProperty("zookeeper.admin.enableServer", "false");
    System.setProperty("zookeeper.4lw.commands.whitelist", "mntr,conf,ruok");
    int port = freePort();
    Properties properties = new Properties();
    properties.setProperty("dataDir", dir.resolve("data").toString());
    properties.setProperty("clientPort", Integer.toString(port));
    properties.setProperty("clientPortAddress", LOOPBACK);
    properties.setProperty("tickTime", "2000");
    properties.setProperty("maxClientCnxns", "0");
    QuorumPeerConfig quorumConfig = new QuorumPeerConfig();
    quorumConfig.parseProperties(properties);
    ServerConfig config = new ServerConfig();
    config.readFrom(quorumConfig);
    ZooKeeperServerMain server = new ZooKeeperServerMain();
    Thread runner =
        new Thread(
            () -> {
              try {
                server.runFromConfig(config);
              } catch (Exception e) {
                e.printStackTrace();
                System.exit(1);
              }
            },
            "zookeeper");
    runner.start();
    awaitListening(port);
    writePort(dir, port);
    runner.join();
  }

  private static void runNode(Path dir, String zkHost) throws Exception {
    Files.writeString(dir.resolve("solr.xml"), SOLR_XML);
    Files.createDirectories(dir.resolve("cores"));
    Properties properties = new Properties();
    properties.setProperty("zkHost", zkHost);
    JettySolrRunner jetty =
        new JettySolrRunner(
            dir.toString(),
            properties,
            JettyConfig.builder().setPort(0).stopAtShutdown(true).build());
    try {
      jetty.start();
    } catch (Exception | Error e) {
      e.printStackTrace();
      System.exit(1); // Jetty's threads would keep a failed node's JVM alive
    }
    writePort(dir, jetty.getLocalPort());
    Thread.currentThread().join(); // until killed; Jetty's shutdown hook stops the node on TERM
  }

  /** A solr.xml for a cloud node on loopback; Jetty fills in hostPort when it binds. */
  private static final String SOLR_XML =
      """
      <solr>
        <str name="coreRootDirectory">cores</str>
        <solrcloud>
          <str name="host">127.0.0.1</str>
          <int name="hostPort">${hostPort:0}</int>
          <str name="hostContext">solr</str>
          <int name="zkClientTimeout">15000</int>
          <bool name="genericCoreNodeNames">true</bool>
        </solrcloud>
        <shardHandlerFactory name="shardHandlerFactory" class="HttpShardHandlerFactory">
          <int name="socketTimeout">60000</int>
          <int name="connTimeout">5000</int>
        </shardHandlerFactory>
      </solr>
      """;

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
      return socket.getLocalPort();
    }
  }

  private static void awaitListening(int port) throws InterruptedException {
    for (int i = 0; i < 300; i++) {
      try (var socket = new java.net.Socket(LOOPBACK, port)) {
        return;
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    fail("ZooKeeper did not listen on port " + port);
  }

  private static void writePort(Path dir, int port) throws IOException {
    Path tmp = dir.resolve(PORT_FILE + ".tmp");
    Files.writeString(tmp, Integer.toString(port));
    Files.move(tmp, dir.resolve(PORT_FILE), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private static String option(String[] args, String name, String fallback) {
    for (int i = 1; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    if (fallback == null) {
      fail("missing option " + name);
    }
    return fallback;
  }

  /** A failure while starting: the launcher stops what it started, then reports it. */
  private static final class LaunchError extends RuntimeException {
    LaunchError(String message) {
      super(message);
    }
  }

  private static void fail(String message) {
    System.err.println("cluster: " + message);
    System.exit(1);
  }
}
