"""Drives the signup page in headless Chromium the way a person on a phone would.

Opens the page, fills in email and organisation, submits, waits until the page says the
workspace is active, and reads the API key off the page. Prints one JSON object on stdout:

    {"apiKey": "tnt_…", "status": "active", "path": "/", "fitsWidth": true,
     "focus": "key-heading", "screenshots": ["…/signup-form.png", "…/signup-active.png"]}

Uses Debian's chromium and chromium-driver only (never Selenium Manager, which would download
a browser): --chromium and --chromedriver name them. Exits non-zero with the reason on stderr
(and a screenshot of the failure) when anything does not happen in time.
"""

import argparse
import json
import os
import sys
import tempfile

from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

# A phone: the width the page must fit without horizontal scrolling.
PHONE_WIDTH, PHONE_HEIGHT = 390, 844


def browser(chromium: str, chromedriver: str, scratch: str) -> webdriver.Chrome:
    """Starts Chromium with its profile and temporary files under `scratch`, which the caller
    removes afterwards (left to itself, Chromium leaves a folder in /tmp on every run)."""
    os.environ["TMPDIR"] = scratch
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    options.add_argument(f"--user-data-dir={os.path.join(scratch, 'profile')}")
    options.add_argument("--headless=new")
    # Tests run as root, where Chromium's sandbox cannot start.
    options.add_argument("--no-sandbox")
    options.add_argument("--disable-dev-shm-usage")
    options.add_argument("--disable-gpu")
    options.add_argument("--no-first-run")
    options.add_argument(f"--window-size={PHONE_WIDTH},{PHONE_HEIGHT}")
    driver = webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)
    # The window size is the outer size; make the viewport itself phone-wide.
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": PHONE_WIDTH, "height": PHONE_HEIGHT, "deviceScaleFactor": 1, "mobile": True,
    })
    return driver


def fits_width(driver: webdriver.Chrome) -> bool:
    """Whether the page fits the viewport's width (no horizontal scrolling)."""
    return driver.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth;"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--email", required=True)
    parser.add_argument("--organization", required=True)
    parser.add_argument("--screenshots", required=True, help="folder for the screenshots (must exist)")
    parser.add_argument("--chromium", default=os.environ.get("TENANTRY_CHROMIUM", "/usr/bin/chromium"))
    parser.add_argument("--chromedriver", default=os.environ.get("TENANTRY_CHROMEDRIVER", "/usr/bin/chromedriver"))
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for the workspace")
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="tenantry-browser-") as scratch:
        return drive(arguments, scratch)


def drive(arguments: argparse.Namespace, scratch: str) -> int:
    """Signs up through the page; returns the exit status."""
    form_shot = os.path.join(arguments.screenshots, "signup-form.png")
    active_shot = os.path.join(arguments.screenshots, "signup-active.png")
    failure_shot = os.path.join(arguments.screenshots, "signup-failure.png")

    driver = browser(arguments.chromium, arguments.chromedriver, scratch)
    try:
        wait = WebDriverWait(driver, arguments.timeout)
        driver.get(arguments.base_url.rstrip("/") + "/")
        wait.until(expected_conditions.visibility_of_element_located((By.ID, "signup-form")))
        form_fits = fits_width(driver)

        # Found by their labels, as a person (or a screen reader) finds them.
        email = driver.find_element(By.XPATH, "//label[normalize-space()='Work email']/following-sibling::input[1]")
        organization = driver.find_element(By.XPATH, "//label[normalize-space()='Organisation name']/following-sibling::input[1]")
        email.send_keys(arguments.email)
        organization.send_keys(arguments.organization)
        driver.save_screenshot(form_shot)
        driver.find_element(By.ID, "signup-submit").click()

        status = wait.until(lambda d: (
            d.find_element(By.ID, "signup-status").get_attribute("data-status")
            if d.find_element(By.ID, "signup-status").get_attribute("data-status") in ("active", "failed")
            else None
        ))
        if status != "active":
            driver.save_screenshot(failure_shot)
            print(f"the page says {status}: {driver.find_element(By.ID, 'signup-status').text}", file=sys.stderr)
            return 1
        key = wait.until(expected_conditions.visibility_of_element_located((By.ID, "api-key"))).text.strip()
        focused = driver.execute_script("return document.activeElement && document.activeElement.id;")
        checklist = [
            {"item": item.get_attribute("data-item"), "done": "done" in (item.get_attribute("class") or "").split()}
            for item in driver.find_elements(By.CSS_SELECTOR, "#onboarding li")
        ]
        active_fits = fits_width(driver)
        driver.save_screenshot(active_shot)
        print(json.dumps({
            "apiKey": key,
            "status": status,
            # Where the browser is: the script kept it on "/", the no-JS form would have left.
            "path": driver.execute_script("return window.location.pathname;"),
            "fitsWidth": bool(form_fits and active_fits),
            "focus": focused,
            "checklist": checklist,
            "statusText": driver.find_element(By.ID, "signup-status").text,
            "screenshots": [form_shot, active_shot],
        }))
        return 0
    except (TimeoutException, WebDriverException) as error:
        try:
            driver.save_screenshot(failure_shot)
        except WebDriverException:
            pass
        print(f"browser signup failed: {error.__class__.__name__}: {error.msg if hasattr(error, 'msg') else error}", file=sys.stderr)
        print(f"page: {driver.current_url}\n{driver.page_source[:4000]}", file=sys.stderr)
        return 1
    finally:
        driver.quit()


if __name__ == "__main__":
    sys.exit(main())
