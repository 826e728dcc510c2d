package dev.zeph.pidfile.benchmarks.pictures;

import java.util.Locale;

/**
 * A minimal SVG writer: the few shapes the pictures need, with text escaped, and numbers
 * written the same on every machine.
 */
final class Svg {

	static final String FONT = "font-family=\"-apple-system,Segoe UI,Helvetica,Arial,sans-serif\"";

	private final StringBuilder body = new StringBuilder();

	private final int width;

	private final int height;

	Svg(int width, int height) {
		this.width = width;
		this.height = height;
	}

	Svg rect(double x, double y, double w, double h, String fill) {
		this.body.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>%n",
				x, y, Math.max(w, 0.5), h, fill));
		return this;
	}

	Svg line(double x1, double y1, double x2, double y2, String stroke, String dash) {
		this.body.append(String.format(Locale.ROOT,
				"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1.5\"%s/>%n", x1, y1, x2, y2,
				stroke, dash.isEmpty() ? "" : " stroke-dasharray=\"" + dash + "\""));
		return this;
	}

	Svg circle(double x, double y, double r, String fill) {
		this.body.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\"/>%n", x, y, r, fill));
		return this;
	}

	Svg text(double x, double y, String text, int size, String anchor, String fill) {
		this.body.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" text-anchor=\"%s\" fill=\"%s\" %s>%s</text>%n",
				x, y, size, anchor, fill, FONT, escape(text)));
		return this;
	}

	private static String escape(String text) {
		return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
	}

	@Override
	public String toString() {
		return String.format(Locale.ROOT,
				"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">%n"
						+ "<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>%n%s</svg>%n",
				this.width, this.height, this.width, this.height, this.body);
	}

}
