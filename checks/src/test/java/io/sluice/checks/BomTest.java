package io.sluice.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * {@code sluice-bom} cannot inherit the root pom (its dependency management would reach users), so it repeats the
 * versions of the libraries Sluice is built against: they must be the root pom's, and the BOM must name every
 * library artifact. (That a separate project builds against the BOM is checked by the invoker: src/it.)
 */
class BomTest {
    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();

    @Test
    void theBomPinsTheVersionsSluiceIsBuiltAgainst() throws Exception {
        Map<String, String> root = properties(ROOT.resolve("pom.xml"));
        Map<String, String> bom = properties(ROOT.resolve("bom/pom.xml"));
        assertThat(bom).isNotEmpty();
        bom.forEach((name, version) -> assertThat(root.get(name))
                .as("root pom property %s (sluice-bom says %s)", name, version)
                .isEqualTo(version));
    }

    @Test
    void theBomNamesEveryLibraryModule() throws Exception {
        Element bom = document(ROOT.resolve("bom/pom.xml"));
        NodeList ids = bom.getElementsByTagName("artifactId");
        StringBuilder named = new StringBuilder();
        for (int i = 0; i < ids.getLength(); i++) {
            named.append(ids.item(i).getTextContent()).append(' ');
        }
        assertThat(named.toString()).contains("sluice-core ", "sluice-store-r2dbc ", "sluice-transport-netty ", "sluice-node ",
                "sluice-test ");
    }

    private static Map<String, String> properties(Path pom) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        NodeList props = document(pom).getElementsByTagName("properties");
        NodeList children = props.item(0).getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            Node n = children.item(i);
            if (n.getNodeType() == Node.ELEMENT_NODE) {
                out.put(n.getNodeName(), n.getTextContent().trim());
            }
        }
        return out;
    }

    private static Element document(Path pom) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile()).getDocumentElement();
    }
}
