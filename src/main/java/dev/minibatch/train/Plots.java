package dev.minibatch.train;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** PNG charts of a training run (drawn with XChart) and of a classifier's confusion matrix. */
public final class Plots {
    private static final int WIDTH = 800;
    private static final int HEIGHT = 500;

    private Plots() {
    }

    /** The training and validation loss against the epoch. */
    public static void lossCurves(History history, Path png) throws IOException {
        XYChart chart = curves("Loss", "loss");
        addSeries(chart, "train", history, EpochResult::trainLoss);
        addSeries(chart, "valid", history, EpochResult::validLoss);
        save(chart, png);
    }

    /** The validation accuracy against the epoch. */
    public static void accuracyCurve(History history, Path png) throws IOException {
        XYChart chart = curves("Validation accuracy", "accuracy");
        chart.getStyler().setLegendVisible(false);
        addSeries(chart, "valid", history, EpochResult::validAccuracy);
        save(chart, png);
    }

    private static XYChart curves(String title, String yTitle) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("epoch").yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setXAxisDecimalPattern("#");
        return chart;
    }

    /** Epochs whose value is not finite (a diverged run) are left out rather than drawn off the chart. */
    private static void addSeries(XYChart chart, String name, History history, ToDoubleFunction<EpochResult> value) {
        List<Integer> epochs = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (EpochResult r : history.epochs()) {
            double v = value.applyAsDouble(r);
            if (Double.isFinite(v)) {
                epochs.add(r.epoch());
                values.add(v);
            }
        }
        if (!epochs.isEmpty()) {
            chart.addSeries(name, epochs, values).setMarker(SeriesMarkers.CIRCLE);
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
