package dev.minibatch.plot;

import dev.minibatch.io.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** PNG charts drawn with XChart: line charts (training curves, an LR sweep) and a classifier's confusion matrix. */
public final class Plots {
    private static final int WIDTH = 800;
    private static final int HEIGHT = 500;

    private Plots() {
    }

    /** How a series is drawn: a line, a line with a circle at each point (per-epoch curves), or points only. */
    public enum Style { LINE, LINE_AND_MARKERS, MARKERS }

    /** One curve of a line chart: its name in the legend, its points, and how it is drawn. */
    public record Series(String name, double[] x, double[] y, Style style) {
        public Series {
            if (x.length != y.length) {
                throw new IllegalArgumentException("series " + name + ": " + x.length + " x values but "
                        + y.length + " y values");
            }
        }

        /** A line with a circle at each point. */
        public Series(String name, double[] x, double[] y) {
            this(name, x, y, Style.LINE_AND_MARKERS);
        }
    }

    /**
     * A line chart of {@code series} against {@code xTitle}; {@code logX} draws the x axis on a log scale, as
     * an LR finder's plot needs. Points whose value is not finite (a diverged run) are left out rather than
     * drawn off the chart; a series with no finite point is not drawn, and a chart with none at all is
     * still written, empty.
     */
    public static void lines(String title, String xTitle, String yTitle, List<Series> series, boolean logX,
            Path png) throws IOException {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendVisible(series.size() > 1);
        if (logX) {
            chart.getStyler().setXAxisLogarithmic(true);
        } else if (series.stream().allMatch(s -> s.style() == Style.LINE_AND_MARKERS)) {
            chart.getStyler().setXAxisDecimalPattern("#");
        }
        for (Series s : series) {
            addSeries(chart, s, logX);
        }
        save(chart, png);
    }

    private static void addSeries(XYChart chart, Series s, boolean logX) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (int i = 0; i < s.x().length; i++) {
            if (Double.isFinite(s.y()[i]) && Double.isFinite(s.x()[i]) && (!logX || s.x()[i] > 0)) {
                xs.add(s.x()[i]);
                ys.add(s.y()[i]);
            }
        }
        if (!xs.isEmpty()) {
            XYSeries drawn = chart.addSeries(s.name(), xs, ys);
            drawn.setMarker(s.style() == Style.LINE ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
            if (s.style() == Style.MARKERS) {
                drawn.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            }
        }
    }

    /**
     * A heat map of {@code counts[true class][predicted class]} with each cell's count written in it, the
     * true classes down the side (first at the top) and the predicted classes along the bottom.
     */
    public static void confusionMatrix(int[][] counts, List<String> classNames, Path png) throws IOException {
        int n = classNames.size();
        for (int[] row : counts) {
            if (counts.length != n || row.length != n) {
                throw new IllegalArgumentException("confusion matrix: counts must be " + n + "x" + n
                        + " for " + n + " class names");
            }
        }
        int side = Math.max(400, 60 * n + 200);
        HeatMapChart chart = new HeatMapChartBuilder().width(side + 100).height(side).title("Confusion matrix")
                .xAxisTitle("predicted").yAxisTitle("true").build();
        chart.getStyler().setShowValue(true);
        chart.getStyler().setHeatMapValueDecimalPattern("#");
        // Light enough at the top that the black counts stay readable on the diagonal.
        chart.getStyler().setRangeColors(new Color[] {Color.WHITE, new Color(0xc6dbef), new Color(0x4292c6)});
        chart.getStyler().setPlotGridLinesVisible(false);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendVisible(false);
        List<Number[]> cells = new ArrayList<>();
        List<String> rowNames = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            // Heat map rows grow upwards; list the true classes backwards so the first one is at the top.
            rowNames.add(classNames.get(n - 1 - i));
            for (int j = 0; j < n; j++) {
                cells.add(new Number[] {j, i, counts[n - 1 - i][j]});
            }
        }
        chart.addSeries("counts", classNames, rowNames, cells);
        save(chart, png);
    }

    private static void save(Chart<?, ?> chart, Path png) throws IOException {
        AtomicFiles.write(png, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
    }
}
