from portal.markdown import render_markdown


def test_script_and_javascript_links_never_survive():
    html = render_markdown(
        "Hi <script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)>"
        ' <a href="https://ok.example" onclick="evil()">ok</a>'
    )
    assert "<script" not in html
    assert "javascript:" not in html
    assert "onerror" not in html and "onclick" not in html
    assert 'href="https://ok.example"' in html


def test_markdown_formatting_is_kept():
    html = render_markdown("**bold** and `code`\n\n- one\n- two")
    assert "<strong>bold</strong>" in html and "<code>code</code>" in html
    assert html.count("<li>") == 2
