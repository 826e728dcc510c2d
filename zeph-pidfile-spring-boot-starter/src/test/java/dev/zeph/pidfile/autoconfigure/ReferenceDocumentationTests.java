package dev.zeph.pidfile.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reference in {@code docs/} and the front page, held to what they describe: every property
 * of the generated configuration metadata has its row in the reference and no row names a
 * property that does not exist, and every relative link and anchor leads somewhere.
 */
class ReferenceDocumentationTests {

	private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

	private static final Pattern PROPERTY_ROW = Pattern.compile("^\\| `([a-z][a-z0-9.-]*)` \\|", Pattern.MULTILINE);

	private static final Pattern LINK = Pattern.compile("!?\\[[^\\]]*\\]\\(([^)\\s]+)\\)");

	private static final Pattern HEADING = Pattern.compile("^#{1,6} (.+)$");

	@Test
	void everyPropertyInTheMetadataShouldHaveItsRowInTheReferenceAndNoRowAnotherProperty() throws IOException {
		Set<String> metadata = new TreeSet<>();
		try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			assertThat(in).as("generated metadata").isNotNull();
			List<String> names = JsonPath.parse(in).read("$.properties[*].name");
			metadata.addAll(names);
		}
		List<String> rows = new ArrayList<>();
		Matcher row = PROPERTY_ROW.matcher(Files.readString(ROOT.resolve("docs/configuration.md")));
		while (row.find()) {
			rows.add(row.group(1));
		}
		assertThat(metadata).as("properties in the metadata").hasSizeGreaterThan(20);
		assertThat(rows).as("rows of docs/configuration.md").doesNotHaveDuplicates();
		assertThat(new TreeSet<>(rows)).as("rows of docs/configuration.md against the metadata")
			.containsExactlyElementsOf(metadata);
	}

	@Test
	void everyRelativeLinkAndAnchorInTheDocumentationShouldResolve() throws IOException {
		List<Path> pages = documentationPages();
		assertThat(pages).as("pages").contains(ROOT.resolve("README.md"), ROOT.resolve("docs/fencing.md"));
		Map<Path, Set<String>> anchors = new HashMap<>();
		List<String> broken = new ArrayList<>();
		int links = 0;
		for (Path page : pages) {
			Matcher link = LINK.matcher(prose(Files.readString(page)));
			while (link.find()) {
				String target = link.group(1);
				if (target.matches("[a-z]+:.*")) {
					continue;
				}
				links++;
				int hash = target.indexOf('#');
				String file = (hash >= 0) ? target.substring(0, hash) : target;
				Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
				if (!Files.exists(resolved)) {
					broken.add(ROOT.relativize(page) + ": " + target + " (no such file)");
				}
				else if (hash >= 0) {
					Set<String> known = anchors.computeIfAbsent(resolved, ReferenceDocumentationTests::anchors);
					if (!known.contains(target.substring(hash + 1))) {
						broken.add(ROOT.relativize(page) + ": " + target + " (no such heading; it has " + known + ")");
					}
				}
			}
		}
		assertThat(links).as("relative links checked").isGreaterThan(30);
		assertThat(broken).as("links that lead nowhere").isEmpty();
	}

	private static List<Path> documentationPages() throws IOException {
		List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md"), ROOT.resolve("BENCHMARKS.md"),
				ROOT.resolve("CHANGELOG.md")));
		try (Stream<Path> docs = Files.walk(ROOT.resolve("docs"))) {
			docs.filter((path) -> path.toString().endsWith(".md")).sorted().forEach(pages::add);
		}
		return pages;
	}

	/** The text outside code blocks and code spans, where a link is a link. */
	private static String prose(String markdown) {
		StringBuilder prose = new StringBuilder();
		boolean code = false;
		for (String line : markdown.split("\n", -1)) {
			if (line.startsWith("```")) {
				code = !code;
				continue;
			}
			if (!code) {
				prose.append(line.replaceAll("`[^`]*`", "")).append('\n');
			}
		}
		return prose.toString();
	}

	/** The anchors GitHub gives a page's headings, the second of a name with {@code -1}. */
	private static Set<String> anchors(Path page) {
		Set<String> anchors = new LinkedHashSet<>();
		Map<String, Integer> seen = new HashMap<>();
		try {
			boolean code = false;
			for (String line : Files.readAllLines(page)) {
				code ^= line.startsWith("```");
				Matcher heading = HEADING.matcher(line);
				if (!code && heading.matches()) {
					String anchor = heading.group(1)
						.strip()
						.toLowerCase(Locale.ROOT)
						.replaceAll("[^\\p{L}\\p{N} _-]", "")
						.replace(' ', '-');
					int count = seen.merge(anchor, 1, Integer::sum);
					anchors.add((count == 1) ? anchor : anchor + "-" + (count - 1));
				}
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		return anchors;
	}

}
