package dev.evforge.cluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.opensearch.Version;
import org.opensearch.env.Environment;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;
import org.opensearch.plugins.PluginInfo;

/** What EvforgeNode needs that differs between OpenSearch lines: here 3.x (3.8). */
final class Line {

    /**
     * Plugins normally found under modules/ of the distribution; missing ones are skipped.
     * 3.x renamed each module's plugin class to *ModulePlugin (GeoModulePlugin already was).
     */
    static final List<String> MODULES = List.of(
        "org.opensearch.transport.Netty4ModulePlugin",
        "org.opensearch.ingest.common.IngestCommonModulePlugin",
        "org.opensearch.ingest.useragent.IngestUserAgentModulePlugin",
        "org.opensearch.painless.PainlessModulePlugin",
        "org.opensearch.script.mustache.MustacheModulePlugin",
        "org.opensearch.script.expression.ExpressionModulePlugin",
        "org.opensearch.analysis.common.CommonAnalysisModulePlugin",
        "org.opensearch.index.mapper.MapperExtrasModulePlugin",
        "org.opensearch.join.ParentJoinModulePlugin",
        "org.opensearch.percolator.PercolatorModulePlugin",
        "org.opensearch.index.reindex.ReindexModulePlugin",
        "org.opensearch.index.rankeval.RankEvalModulePlugin",
        "org.opensearch.search.aggregations.matrix.MatrixAggregationModulePlugin",
        "org.opensearch.geo.GeoModulePlugin"
    );

    static final String PAINLESS = "org.opensearch.painless.PainlessModulePlugin";

    private Line() {}

    /**
     * 3.x: Node takes a PluginInfo per classpath plugin; PluginsService loads each by its class name.
     * @see https://github.com/opensearch-project/OpenSearch/blob/3.0/server/src/main/java/org/opensearch/plugins/PluginsService.java
     */
    static Node newNode(Environment environment, Collection<Class<? extends Plugin>> plugins) {
        List<PluginInfo> infos = new ArrayList<>();
        for (Class<? extends Plugin> plugin : plugins) {
            String name = plugin.getSimpleName();
            infos.add(new PluginInfo(name, "classpath module " + name, Version.CURRENT.toString(), Version.CURRENT,
                Runtime.version().feature() + "", plugin.getName(), List.of(), false));
        }
        return new ClasspathNode(environment, infos);
    }

    private static final class ClasspathNode extends Node {
        ClasspathNode(Environment environment, Collection<PluginInfo> plugins) {
            super(environment, plugins, true);
        }
    }
}
