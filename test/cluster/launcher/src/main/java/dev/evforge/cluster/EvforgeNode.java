package dev.evforge.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.http.HttpServerTransport;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.ExtensiblePlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.TransportService;

/**
 * Single OpenSearch node in this JVM, with the distribution's modules loaded from the classpath.
 * What differs between OpenSearch lines is in {@code Line} (src/opensearch-2 or src/opensearch-3).
 *
 * <p>Usage: {@code java dev.evforge.cluster.EvforgeNode -Epath.home=DIR [-Ekey=value ...]}. Prints
 * {@code EVFORGE_NODE_READY http://HOST:PORT transport=HOST:PORT} once both ports are bound; SIGTERM
 * closes the node.
 *
 * @see https://opensearch.org/docs/2.19/install-and-configure/configuring-opensearch/index/
 */
public final class EvforgeNode {

    static final String READY = "EVFORGE_NODE_READY";

    /**
     * Extensible modules that keep their extensions in static state. PluginsService gives classpath
     * plugins no extended plugins, so their SPI extensions (e.g. ingest-common's {@code Processors}
     * painless allowlist) are loaded here, before the node builds its script engines.
     */
    static final List<String> STATIC_EXTENSION_POINTS = List.of(Line.PAINLESS);

    static final String LOG4J2 = String.join(
        "\n",
        "status = error",
        "appender.console.type = Console",
        "appender.console.name = console",
        "appender.console.layout.type = PatternLayout",
        "appender.console.layout.pattern = [%d{ISO8601}][%-5p][%-25c{1.}] [${sys:opensearch.logs.node_name}] %m%n",
        "rootLogger.level = info",
        "rootLogger.appenderRef.console.ref = console",
        ""
    );

    private EvforgeNode() {}

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
    }

    static void run(String[] args) throws Exception {
        Map<String, String> cli = parseArgs(args);
        String home = cli.get("path.home");
        if (home == null) {
            throw new IllegalArgumentException("-Epath.home=DIR is required");
        }
        Path homePath = Path.of(home).toAbsolutePath();
        Path config = homePath.resolve("config");
        for (String dir : List.of("config", "data", "logs", "plugins", "modules", "config/ingest-user-agent")) {
            Files.createDirectories(homePath.resolve(dir));
        }
        Files.writeString(config.resolve("log4j2.properties"), LOG4J2, StandardCharsets.UTF_8);

        Settings.Builder settings = Settings.builder()
            .put("cluster.name", "evforge-test")
            .put("node.name", "node-1")
            .putList("node.roles", "cluster_manager", "data", "ingest")
            .put("network.host", "127.0.0.1")
            .put("http.port", "9200-9300")
            .put("transport.port", "9300-9400")
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .put("path.data", homePath.resolve("data").toString())
            .put("path.logs", homePath.resolve("logs").toString());
        cli.forEach(settings::put);
        settings.put("path.home", homePath.toString());
        if (settings.get("discovery.seed_hosts") == null && settings.get("discovery.type") == null) {
            settings.put("discovery.type", "single-node");
        }
        String nodeName = settings.get("node.name");

        Environment environment = InternalSettingsPreparer.prepareEnvironment(settings.build(), Map.of(), config, () -> nodeName);
        LogConfigurator.registerErrorListener();
        LogConfigurator.configure(environment);

        List<Class<? extends Plugin>> modules = loadModules();
        loadStaticExtensions(modules);
        Node node = Line.newNode(environment, modules);
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                node.awaitClose(20, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException | RuntimeException e) {
                e.printStackTrace();
            } finally {
                Configurator.shutdown((LoggerContext) LogManager.getContext(false));
                closed.countDown();
            }
        }, "evforge-shutdown"));

        node.start();
        HttpServerTransport http = node.injector().getInstance(HttpServerTransport.class);
        TransportService transport = node.injector().getInstance(TransportService.class);
        System.out.println(
            READY + " http://" + http.boundAddress().publishAddress() + " transport=" + transport.boundAddress().publishAddress()
        );
        System.out.flush();
        closed.await();
    }

    /** {@code -Ekey=value} as in bin/opensearch. */
    static Map<String, String> parseArgs(String[] args) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("-E") || eq < 3) {
                throw new IllegalArgumentException("expected -Ekey=value, got: " + arg);
            }
            out.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        return out;
    }

    static List<Class<? extends Plugin>> loadModules() {
        List<Class<? extends Plugin>> plugins = new ArrayList<>();
        for (String name : Line.MODULES) {
            try {
                plugins.add(Class.forName(name).asSubclass(Plugin.class));
            } catch (ClassNotFoundException e) {
                System.err.println("evforge: module not on classpath, skipped: " + name);
            }
        }
        return plugins;
    }

    static void loadStaticExtensions(List<Class<? extends Plugin>> plugins) throws ReflectiveOperationException {
        ExtensiblePlugin.ExtensionLoader loader = new ExtensiblePlugin.ExtensionLoader() {
            @Override
            public <T> List<T> loadExtensions(Class<T> extensionPointType) {
                List<T> found = new ArrayList<>();
                ServiceLoader.load(extensionPointType, EvforgeNode.class.getClassLoader()).forEach(found::add);
                return found;
            }
        };
        for (Class<? extends Plugin> plugin : plugins) {
            if (STATIC_EXTENSION_POINTS.contains(plugin.getName()) && ExtensiblePlugin.class.isAssignableFrom(plugin)) {
                ((ExtensiblePlugin) plugin.getDeclaredConstructor().newInstance()).loadExtensions(loader);
            }
        }
    }
}
