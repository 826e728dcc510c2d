package dev.zeph.pidfile.benchmarks.pictures;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Who did singleton work when, through one fault, drawn from failover runs' witness files: one
 * panel per library, a lane per instance (the holder, then the waiter), a bar wherever the
 * instance's work lines come at their pace, and the fault as a line. Every panel shares one
 * time axis, measured from its own fault, so that takeovers compare by eye.
 * <p>
 * A witness line is {@code <System.nanoTime()> <event> <who>}: {@code work holder} every
 * 50 ms while the holder's guard lets it work, {@code fault <name>} when the fault was made.
 */
public final class Timeline {

	/** Work lines further apart than this start a new bar: the candidates write one every 50 ms. */
	private static final long GAP = 250_000_000L;

	private static final long BEFORE = 2_000_000_000L;

	private static final int WIDTH = 900;

	private static final int LEFT = 170;

	private static final int RIGHT = 30;

	private static final int LANE = 26;

	private static final String[] WHO = { "holder", "waiter" };

	private Timeline() {
	}

	/**
	 * One library's run through the fault.
	 * @param title the library, as the panel names it
	 * @param witness the run's witness file
	 * @param colour the colour of its work
	 */
	public record Panel(String title, Path witness, String colour) {

	}

	/**
	 * Draw the panels through one fault.
	 * @param caption what the fault was
	 * @param panels the libraries' runs
	 * @return the SVG
	 * @throws IOException if a witness file cannot be read
	 */
	public static String draw(String caption, List<Panel> panels) throws IOException {
		List<Run> runs = new ArrayList<>();
		long span = 0;
		for (Panel panel : panels) {
			Run run = Run.read(panel.witness());
			runs.add(run);
			span = Math.max(span, run.end - run.fault + BEFORE);
		}
		double seconds = Math.ceil(span / 1e9);
		double scale = (WIDTH - LEFT - RIGHT) / (seconds * 1e9);
		int panelHeight = 40 + LANE * WHO.length + 28;
		int height = 40 + panelHeight * panels.size() + 30;
		Svg svg = new Svg(WIDTH, height);
		svg.text(WIDTH / 2.0, 24, caption, 15, "middle", "#111111");
		for (int p = 0; p < panels.size(); p++) {
			Panel panel = panels.get(p);
			Run run = runs.get(p);
			double top = 40 + p * panelHeight;
			long origin = run.fault - BEFORE;
			svg.text(12, top + 18, panel.title(), 14, "start", "#111111");
			long takeover = run.firstWork("waiter", run.fault) - run.fault;
			long overlap = run.overlap();
			String verdict = (takeover > 0 ? String.format(Locale.ROOT, "waiter works %.2f s after the fault", takeover / 1e9)
					: "the waiter never worked")
					+ (overlap > 0 ? String.format(Locale.ROOT, "; both worked for %.2f s", overlap / 1e9) : "; never both");
			svg.text(WIDTH - RIGHT, top + 18, verdict, 12, "end", (overlap > 0) ? "#b00020" : "#333333");
			for (int lane = 0; lane < WHO.length; lane++) {
				double y = top + 30 + lane * LANE;
				svg.text(LEFT - 10, y + 15, WHO[lane] + (lane == 0 ? " (active first)" : ""), 12, "end", "#333333");
				svg.rect(LEFT, y + 3, WIDTH - LEFT - RIGHT, LANE - 6, "#f2f2f2");
				for (long[] bar : run.bars(WHO[lane])) {
					double x1 = LEFT + Math.max(0, bar[0] - origin) * scale;
					double x2 = LEFT + Math.min(span, bar[1] - origin) * scale;
					if (x2 > LEFT) {
						svg.rect(x1, y + 3, x2 - x1, LANE - 6, panel.colour());
					}
				}
			}
			double faultX = LEFT + BEFORE * scale;
			svg.line(faultX, top + 26, faultX, top + 30 + LANE * WHO.length + 4, "#b00020", "4,3");
			svg.text(faultX + 4, top + 30 + LANE * WHO.length + 18, "fault", 11, "start", "#b00020");
		}
		double axis = 40 + panelHeight * panels.size() + 6;
		int step = (seconds > 20) ? 5 : (seconds > 8) ? 2 : 1;
		for (int s = 0; s <= seconds; s += step) {
			double x = LEFT + (s * 1e9) * scale;
			svg.line(x, axis - 4, x, axis + 2, "#666666", "");
			svg.text(x, axis + 16, String.format(Locale.ROOT, "%+d s", s - (int) (BEFORE / 1_000_000_000L)), 11, "middle",
					"#666666");
		}
		return svg.toString();
	}

	/** One witness file, read. */
	private record Run(List<long[]> work, List<String> who, long fault, long end) {

		static Run read(Path witness) throws IOException {
			List<long[]> work = new ArrayList<>();
			List<String> who = new ArrayList<>();
			long fault = -1;
			long end = 0;
			for (String line : Files.readAllLines(witness)) {
				String[] parts = line.split(" ");
				if (parts.length < 2) {
					continue;
				}
				long time = Long.parseLong(parts[0]);
				end = Math.max(end, time);
				if (parts[1].equals("fault")) {
					fault = time;
				}
				else if (parts[1].equals("work") && parts.length > 2) {
					work.add(new long[] { time });
					who.add(parts[2]);
				}
			}
			if (fault < 0) {
				throw new IllegalStateException(witness + " has no fault line");
			}
			return new Run(work, who, fault, end);
		}

		List<long[]> bars(String name) {
			List<long[]> bars = new ArrayList<>();
			long[] bar = null;
			for (int i = 0; i < this.work.size(); i++) {
				if (!this.who.get(i).equals(name)) {
					continue;
				}
				long time = this.work.get(i)[0];
				if (bar != null && time - bar[1] <= GAP) {
					bar[1] = time;
				}
				else {
					bar = new long[] { time, time };
					bars.add(bar);
				}
			}
			// each line stands for the 50 ms of work that follow it
			bars.forEach((b) -> b[1] += 50_000_000L);
			return bars;
		}

		long firstWork(String name, long after) {
			for (int i = 0; i < this.work.size(); i++) {
				if (this.who.get(i).equals(name) && this.work.get(i)[0] >= after) {
					return this.work.get(i)[0];
				}
			}
			return -1;
		}

		/** How long the holder worked on after the waiter's first work, since the fault. */
		long overlap() {
			long waiter = firstWork("waiter", this.fault);
			if (waiter < 0) {
				return 0;
			}
			long last = -1;
			for (int i = 0; i < this.work.size(); i++) {
				if (this.who.get(i).equals("holder")) {
					last = this.work.get(i)[0];
				}
			}
			return Math.max(0, last - waiter);
		}

	}

}
