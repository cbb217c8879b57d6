"""Each rule of the creator file, with the exact message it gives."""

from __future__ import annotations

from storefront.creators.validate import check_file, label_of, scan_context
from tests.creators import problems_of, write

NAME = 'name = "Maya Rivers"\n'


def one(folder, text, name="maya"):
    """The single problem of a file."""
    problems = problems_of(folder, name, text)
    assert len(problems) == 1, problems
    return problems[0]


def test_a_complete_file_becomes_a_creator(folder):
    path = write(
        folder,
        "maya",
        """
        name = " Maya Rivers "
        status = "active"
        aliases = ["maya-r", "mayarivers"]
        avatar = "maya.svg"
        bio = "Stylist."
        theme = "atelier"

        [hero]
        title = "Maya's picks"
        subtitle = "Slow fashion"
        image = "https://cdn.example.com/hero.jpg"
        cta_label = "Shop"
        cta_url = "/collections/apparel"

        [discount]
        code = "MAYA15"
        label = "15% off everything"

        [[collections]]
        handle = "apparel"
        title = "Wardrobe"

        [[collections]]
        handle = "new-arrivals"

        [notes]
        linen-shirt = "Wear it open."
        organic-cotton-tee = "The one."

        [theme_settings]
        accent = "#c0392b"
        text = "#111"

        [social]
        tiktok = "https://www.tiktok.com/@maya"
        instagram = "https://www.instagram.com/maya"
        """,
    )
    creator, problems = check_file(path, scan_context(folder), label_of(folder, path.name))
    assert problems == []
    assert creator.handle == "maya"
    assert creator.name == "Maya Rivers"
    assert creator.is_active
    assert creator.aliases == ("maya-r", "mayarivers")
    assert creator.avatar == "/creator-media/maya.svg"
    assert creator.theme == "atelier"
    assert creator.hero.image == "https://cdn.example.com/hero.jpg"
    assert creator.hero.cta_url == "/collections/apparel"
    assert (creator.discount.code, creator.discount.label) == ("MAYA15", "15% off everything")
    assert [(c.handle, c.title) for c in creator.collections] == [
        ("apparel", "Wardrobe"),
        ("new-arrivals", None),
    ]
    assert creator.picks == ("linen-shirt", "organic-cotton-tee")
    assert dict(creator.theme_settings) == {"accent": "#c0392b", "text": "#111"}
    assert creator.social == (
        ("tiktok", "https://www.tiktok.com/@maya"),
        ("instagram", "https://www.instagram.com/maya"),
    )


def test_the_smallest_file_is_a_name(folder):
    path = write(folder, "leo", NAME)
    creator, _ = check_file(path, scan_context(folder), "creators/leo.toml")
    assert creator.status == "active"
    assert creator.hero is None and creator.discount is None and creator.avatar is None
    assert creator.collections == () and dict(creator.notes) == {} and creator.social == ()


def test_the_mappings_are_read_only(folder):
    path = write(folder, "leo", NAME + '[notes]\nlinen-shirt = "Yes."\n')
    creator, _ = check_file(path, scan_context(folder), "creators/leo.toml")
    try:
        creator.notes["x"] = "y"
    except TypeError:
        pass
    else:
        raise AssertionError("notes can be changed")


# -- the file ------------------------------------------------------------------------


def test_file_name_must_be_a_handle(folder):
    assert one(folder, NAME, name="Bad Name") == (
        "creators/Bad Name.toml: the file name must be a handle: "
        "lowercase letters, digits, '-' and '_'"
    )


def test_file_name_at_most_64_characters(folder):
    handle = "a" * 65
    assert one(folder, NAME, name=handle) == (
        f"creators/{handle}.toml: the file name must be a handle: at most 64 characters, not 65"
    )


def test_toml_syntax_error_names_the_line(folder):
    assert one(folder, 'name = "Maya"\nstatus = \n') == (
        "creators/maya.toml: not valid TOML: Invalid value (at line 2, column 10)"
    )


def test_not_utf8(folder):
    (folder / "maya.toml").write_bytes(b'name = "Ma\xffya"\n')
    _, problems = check_file(folder / "maya.toml", scan_context(folder), "creators/maya.toml")
    assert problems == ["creators/maya.toml: is not UTF-8 text (a bad byte at position 10)"]


def test_every_problem_of_a_file_is_reported(folder):
    problems = problems_of(
        folder,
        "Maya",
        """
        status = "live"
        colour = "red"
        [discount]
        label = "10%"
        """,
    )
    assert problems == [
        "creators/Maya.toml: the file name must be a handle: "
        "lowercase letters, digits, '-' and '_'",
        "creators/Maya.toml: unknown key 'colour'",
        "creators/Maya.toml: status: must be active, paused or archived, not 'live'",
        "creators/Maya.toml: missing required key 'name'",
        "creators/Maya.toml: missing required key 'discount.code'",
    ]


# -- keys ----------------------------------------------------------------------------


def test_unknown_key(folder):
    assert one(folder, NAME + 'colour = "red"\n') == "creators/maya.toml: unknown key 'colour'"


def test_unknown_key_suggests_a_close_one(folder):
    assert one(folder, NAME + 'avatr = "maya.svg"\n') == (
        "creators/maya.toml: unknown key 'avatr' (did you mean 'avatar'?)"
    )


def test_unknown_key_in_a_table(folder):
    assert one(folder, NAME + '[hero]\ntitle = "Hi"\nsubtitel = "x"\n') == (
        "creators/maya.toml: unknown key 'hero.subtitel' (did you mean 'hero.subtitle'?)"
    )


def test_missing_name(folder):
    assert one(folder, 'bio = "x"\n') == "creators/maya.toml: missing required key 'name'"


def test_empty_name(folder):
    assert one(folder, 'name = "  "\n') == "creators/maya.toml: name: must not be empty"


def test_name_at_most_80_characters(folder):
    assert one(folder, f'name = "{"n" * 81}"\n') == (
        "creators/maya.toml: name: must be at most 80 characters, not 81"
    )


def test_wrong_type(folder):
    assert one(folder, "name = 42\n") == (
        "creators/maya.toml: name: must be a string, not a whole number"
    )


def test_status(folder):
    assert one(folder, NAME + 'status = "live"\n') == (
        "creators/maya.toml: status: must be active, paused or archived, not 'live'"
    )


def test_bio_at_most_1000_characters(folder):
    assert one(folder, NAME + f'bio = "{"b" * 1001}"\n') == (
        "creators/maya.toml: bio: must be at most 1000 characters, not 1001"
    )


# -- aliases -------------------------------------------------------------------------


def test_aliases_must_be_a_list(folder):
    assert one(folder, NAME + 'aliases = "maya-r"\n') == (
        "creators/maya.toml: aliases: must be a list of handles, not a string"
    )


def test_alias_must_be_a_handle(folder):
    assert one(folder, NAME + 'aliases = ["Maya R"]\n') == (
        "creators/maya.toml: aliases: 'Maya R' is not a handle: "
        "lowercase letters, digits, '-' and '_'"
    )


def test_alias_is_not_the_own_handle(folder):
    assert one(folder, NAME + 'aliases = ["maya"]\n') == (
        "creators/maya.toml: aliases: 'maya' is this creator's own handle"
    )


def test_alias_listed_twice(folder):
    assert one(folder, NAME + 'aliases = ["mr", "mr"]\n') == (
        "creators/maya.toml: aliases: 'mr' is listed twice"
    )


# -- images --------------------------------------------------------------------------


def test_image_file_must_exist_in_media(folder):
    assert one(folder, NAME + '[hero]\ntitle = "Hi"\nimage = "x.png"\n') == (
        "creators/maya.toml: hero.image: no file 'x.png' in creators/media/"
    )


def test_avatar_file_must_exist_in_media(folder):
    assert one(folder, NAME + 'avatar = "leo.svg"\n') == (
        "creators/maya.toml: avatar: no file 'leo.svg' in creators/media/"
    )


def test_image_file_name_has_no_folders(folder):
    assert one(folder, NAME + 'avatar = "../media/maya.svg"\n') == (
        "creators/maya.toml: avatar: '../media/maya.svg' must be a file name in "
        "creators/media/ (no folders, no spaces) or an https:// URL"
    )


def test_image_extension(folder):
    (folder / "media" / "maya.gif").write_bytes(b"GIF89a")
    assert one(folder, NAME + 'avatar = "maya.gif"\n') == (
        "creators/maya.toml: avatar: 'maya.gif' must be an image file: "
        ".svg, .png, .jpg, .jpeg or .webp"
    )


def test_image_url_must_be_https(folder):
    assert one(folder, NAME + 'avatar = "http://cdn.example.com/maya.png"\n') == (
        "creators/maya.toml: avatar: 'http://cdn.example.com/maya.png' must use https://, "
        "not http://"
    )


def test_image_data_url_refused(folder):
    assert one(folder, NAME + 'avatar = "data:image/svg+xml,<svg/>"\n') == (
        "creators/maya.toml: avatar: 'data:image/svg+xml,<svg/>' is refused: "
        "data: links are not allowed; use an https:// URL"
    )


RESERVED_RULE = "text of the form __sf-...__ is reserved for the store's own use"


def test_a_link_with_the_stores_reserved_text_is_refused(folder):
    # The old page-cache markers: a page once put every visitor's CSRF token there.
    assert one(folder, NAME + 'avatar = "https://evil.example/px.png?t=__sf-csrf-token__"\n') == (
        "creators/maya.toml: avatar: 'https://evil.example/px.png?t=__sf-csrf-token__' "
        f"contains '__sf-csrf-token__': {RESERVED_RULE}"
    )


def test_the_reserved_text_is_refused_in_every_link_and_image(folder):
    problems = problems_of(folder, "maya", NAME + """
        [hero]
        title = "Hi"
        image = "https://cdn.example.com/__sf-csp-nonce__.png"
        cta_url = "/search?q=__SF-cart-count__"
        [social]
        website = "https://maya.example/?n=%5F%5Fsf-csp-nonce%5F%5F"
        """)
    assert [problem.split(":")[1].strip() for problem in problems] == [
        "hero.image", "hero.cta_url", "social.website"]
    assert all(problem.endswith(RESERVED_RULE) for problem in problems), problems


def test_text_like_the_reserved_text_is_a_link_like_any_other(folder):
    assert problems_of(folder, "maya", NAME + """
        avatar = "https://cdn.example.com/__sf-avatar.png"
        [social]
        website = "https://maya.example/__init__/sf-__"
        """) == []


# -- theme ---------------------------------------------------------------------------


def test_unknown_theme(folder):
    assert one(folder, NAME + 'theme = "neon"\n') == (
        "creators/maya.toml: theme: no theme 'neon' in themes/ (a folder with theme.toml)"
    )


def test_theme_is_a_folder_name(folder):
    assert one(folder, NAME + 'theme = "../themes/base"\n') == (
        "creators/maya.toml: theme: '../themes/base' is not a theme name (a folder of themes/)"
    )


def test_theme_folder_needs_theme_toml(folder, tmp_path):
    themes = tmp_path / "themes"
    (themes / "night" / "templates").mkdir(parents=True)
    (themes / "day").mkdir()
    (themes / "day" / "theme.toml").write_text('name = "Day"\n')
    path = write(folder, "maya", NAME + 'theme = "night"\n')
    _, problems = check_file(path, scan_context(folder, themes), "creators/maya.toml")
    assert problems == [
        "creators/maya.toml: theme: no theme 'night' in themes/ (a folder with theme.toml)"
    ]
    path = write(folder, "maya", NAME + 'theme = "day"\n')
    assert check_file(path, scan_context(folder, themes), "creators/maya.toml")[1] == []


# -- hero and links ------------------------------------------------------------------


def test_hero_needs_a_title(folder):
    assert one(folder, NAME + '[hero]\nsubtitle = "x"\n') == (
        "creators/maya.toml: missing required key 'hero.title'"
    )


def test_hero_must_be_a_table(folder):
    assert one(folder, NAME + 'hero = "Hi"\n') == (
        "creators/maya.toml: hero: must be a table ([hero]), not a string"
    )


def test_unsafe_cta_url(folder):
    assert one(folder, NAME + '[hero]\ntitle = "Hi"\ncta_url = "javascript:alert(1)"\n') == (
        "creators/maya.toml: hero.cta_url: 'javascript:alert(1)' is refused: javascript: "
        "links are not allowed; use an https:// URL or a path starting with one /"
    )


def test_cta_url_to_another_site_by_double_slash(folder):
    assert one(folder, NAME + '[hero]\ntitle = "Hi"\ncta_url = "//evil.example/x"\n') == (
        "creators/maya.toml: hero.cta_url: '//evil.example/x' must start with one /, "
        "not two (that would be another site)"
    )


# -- discount ------------------------------------------------------------------------


def test_discount_needs_a_code(folder):
    assert one(folder, NAME + '[discount]\nlabel = "10% off"\n') == (
        "creators/maya.toml: missing required key 'discount.code'"
    )


def test_discount_code_has_no_spaces(folder):
    assert one(folder, NAME + '[discount]\ncode = "MAYA 15"\n') == (
        "creators/maya.toml: discount.code: 'MAYA 15' must not contain spaces or "
        "control characters"
    )


def test_discount_code_has_no_control_characters(folder):
    assert one(folder, NAME + '[discount]\ncode = "MAYA\\u000015"\n') == (
        "creators/maya.toml: discount.code: 'MAYA\\x0015' must not contain spaces or "
        "control characters"
    )


def test_discount_code_at_most_255_characters(folder):
    assert one(folder, NAME + f'[discount]\ncode = "{"C" * 256}"\n') == (
        "creators/maya.toml: discount.code: must be at most 255 characters, not 256"
    )


def test_discount_code_not_empty(folder):
    assert one(folder, NAME + '[discount]\ncode = ""\n') == (
        "creators/maya.toml: discount.code: must not be empty"
    )


# -- collections and notes -----------------------------------------------------------


def test_collection_needs_a_handle(folder):
    assert one(folder, NAME + '[[collections]]\ntitle = "Mine"\n') == (
        "creators/maya.toml: missing required key 'collections[1].handle'"
    )


def test_collection_handle_is_a_shopify_handle(folder):
    text = NAME + '[[collections]]\nhandle = "apparel"\n[[collections]]\nhandle = "New Arrivals"\n'
    assert one(folder, text) == (
        "creators/maya.toml: collections[2].handle: 'New Arrivals' is not a Shopify handle: "
        "lowercase letters and digits, words joined by '-'"
    )


def test_collection_listed_twice(folder):
    text = NAME + '[[collections]]\nhandle = "apparel"\n[[collections]]\nhandle = "apparel"\n'
    assert one(folder, text) == (
        "creators/maya.toml: collections[2].handle: 'apparel' is listed twice"
    )


def test_collections_must_be_an_array_of_tables(folder):
    assert one(folder, NAME + '[collections]\nhandle = "apparel"\n') == (
        "creators/maya.toml: collections: must be tables ([[collections]]), not a table"
    )
    assert one(folder, NAME + 'collections = ["apparel"]\n') == (
        "creators/maya.toml: collections[1]: must be a table ([[collections]] with a handle), "
        "not a string"
    )


def test_note_key_is_a_product_handle(folder):
    assert one(folder, NAME + '[notes]\n"Linen Shirt" = "Nice."\n') == (
        "creators/maya.toml: notes: 'Linen Shirt' is not a Shopify product handle: "
        "lowercase letters and digits, words joined by '-'"
    )


def test_note_at_most_500_characters(folder):
    assert one(folder, NAME + f'[notes]\nlinen-shirt = "{"n" * 501}"\n') == (
        "creators/maya.toml: notes.linen-shirt: must be at most 500 characters, not 501"
    )


def test_note_is_text(folder):
    assert one(folder, NAME + "[notes]\nlinen-shirt = true\n") == (
        "creators/maya.toml: notes.linen-shirt: must be a string, not true/false"
    )


# -- theme settings and social -------------------------------------------------------


def test_theme_setting_colour(folder):
    assert one(folder, NAME + '[theme_settings]\naccent = "red"\n') == (
        "creators/maya.toml: theme_settings.accent: 'red' is not a colour: use #rgb or #rrggbb"
    )


def test_theme_setting_colour_needs_3_or_6_digits(folder):
    assert one(folder, NAME + '[theme_settings]\ntext = "#12345"\n') == (
        "creators/maya.toml: theme_settings.text: '#12345' is not a colour: use #rgb or #rrggbb"
    )


def test_unknown_theme_setting(folder):
    assert one(folder, NAME + '[theme_settings]\nfont = "#fff"\n') == (
        "creators/maya.toml: unknown key 'theme_settings.font' "
        "(use accent, accent_text, background, surface or text)"
    )


def test_unknown_social_platform(folder):
    assert one(folder, NAME + '[social]\nfacebook = "https://facebook.com/maya"\n') == (
        "creators/maya.toml: unknown key 'social.facebook' "
        "(use instagram, tiktok, youtube, x, pinterest or website)"
    )


def test_social_link_must_be_https(folder):
    assert one(folder, NAME + '[social]\ninstagram = "http://instagram.com/maya"\n') == (
        "creators/maya.toml: social.instagram: 'http://instagram.com/maya' must use https://, "
        "not http://"
    )


def test_social_link_is_not_a_path(folder):
    assert one(folder, NAME + '[social]\nwebsite = "/about"\n') == (
        "creators/maya.toml: social.website: '/about' must be an https:// URL"
    )


def test_aliases_must_be_strings(folder):
    assert one(folder, NAME + 'aliases = ["mr", 3]\n') == (
        "creators/maya.toml: aliases: must be a list of handles; 3 is a whole number"
    )


def test_text_colours_must_read_on_what_they_meet(folder, monkeypatch):
    """4.5:1 against the creator's own background, or their theme's (THEME without one)."""
    monkeypatch.delenv("THEME", raising=False)
    assert problems_of(folder, "maya", NAME + '[theme_settings]\ntext = "#aaaaaa"\n') == [
        "creators/maya.toml: theme_settings: text #aaaaaa on background #fbf8f3 reads at "
        "2.19:1; text needs at least 4.5:1",
        "creators/maya.toml: theme_settings: text #aaaaaa on surface #ffffff reads at "
        "2.32:1; text needs at least 4.5:1",
    ]
    # Atelier's ink text on a dark background of theirs.
    dark = one(folder, NAME + 'theme = "atelier"\n[theme_settings]\nbackground = "#202020"\n')
    assert dark == ("creators/maya.toml: theme_settings: text #16181d on background #202020 "
                    "reads at 1.09:1; text needs at least 4.5:1")
    # Light text on a dark background, but the cards and panels (surface) stay white.
    assert one(folder, NAME + '[theme_settings]\nbackground = "#202020"\ntext = "#f5f5f5"\n') == (
        "creators/maya.toml: theme_settings: text #f5f5f5 on surface #ffffff reads at 1.09:1; "
        "text needs at least 4.5:1")
    # A dark store sets all three, and reads.
    dark_store = NAME + '[theme_settings]\nbackground = "#202020"\nsurface = "#2c2c2c"\n'
    creator, problems = check_file(write(folder, "maya", dark_store + 'text = "#f5f5f5"\n'),
                                   scan_context(folder), "creators/maya.toml")
    assert problems == [] and creator.theme_settings["surface"] == "#2c2c2c"


def test_a_light_accent_is_no_problem_the_page_derives_a_readable_one(folder):
    for accent in ("#ffee00", "#c46a2b", "#ffffff"):
        creator, problems = check_file(
            write(folder, "maya", NAME + f'[theme_settings]\naccent = "{accent}"\n'),
            scan_context(folder), "creators/maya.toml")
        assert problems == [] and creator.theme_settings["accent"] == accent
