package dev.evforge.cluster;

import java.util.Collection;
import java.util.List;

import org.opensearch.env.Environment;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;

/** What EvforgeNode needs that differs between OpenSearch lines: here 2.x (2.19). */
final class Line {

    /** Plugins normally found under modules/ of the distribution; missing ones are skipped. */
    static final List<String> MODULES = List.of(
        "org.opensearch.transport.Netty4Plugin",
        "org.opensearch.ingest.common.IngestCommonPlugin",
        "org.opensearch.ingest.useragent.IngestUserAgentPlugin",
        "org.opensearch.painless.PainlessPlugin",
        "org.opensearch.script.mustache.MustachePlugin",
        "org.opensearch.script.expression.ExpressionPlugin",
        "org.opensearch.analysis.common.CommonAnalysisPlugin",
        "org.opensearch.index.mapper.MapperExtrasPlugin",
        "org.opensearch.join.ParentJoinPlugin",
        "org.opensearch.percolator.PercolatorPlugin",
        "org.opensearch.index.reindex.ReindexPlugin",
        "org.opensearch.index.rankeval.RankEvalPlugin",
        "org.opensearch.search.aggregations.matrix.MatrixAggregationPlugin",
        "org.opensearch.geo.GeoModulePlugin"
    );

    static final String PAINLESS = "org.opensearch.painless.PainlessPlugin";

    private Line() {}

    /** 2.x: Node takes plugin classes directly, as the test framework's MockNode does. */
    static Node newNode(Environment environment, Collection<Class<? extends Plugin>> plugins) {
        return new ClasspathNode(environment, plugins);
    }

    private static final class ClasspathNode extends Node {
        ClasspathNode(Environment environment, Collection<Class<? extends Plugin>> plugins) {
            super(environment, plugins, true);
        }
    }
}
