"""The SVG chart helper: points, gaps, escaping and the empty case."""

from portal.charts import Series, bar_chart, line_chart


def test_line_chart_draws_one_point_per_value_with_hover_text():
    svg = line_chart(
        title="Requesters adopt faster",
        x_labels=["W1", "W2", "W3"],
        series=[Series("Requesters", [0.1, None, 0.6]), Series("Others", [0.0, 0.1, 0.2])],
        y_label="share",
        percent=True,
    )
    assert svg.count("<circle") == 5  # the gap is not drawn
    assert "<title>Requesters · W3: 60%</title>" in svg
    assert 'aria-labelledby="t"' in svg and "Requesters adopt faster" in svg


def test_labels_are_escaped():
    svg = bar_chart(
        title="<script>x</script>", x_labels=["<b>"], series=[Series("a&b", [3])], y_label="n"
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "a&amp;b" in svg


def test_no_values_says_no_data_in_words():
    assert "no data yet" in line_chart(title="Trend", x_labels=[], series=[], y_label="n")
