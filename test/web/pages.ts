/** Pages of "Acme Robotics" (acme.example) for the extraction, crawl and enrichment tests. */
export const acmeHome = `<!doctype html>
<html lang="en"><head>
  <meta charset="utf-8">
  <title>Acme Robotics – warehouse robots</title>
  <meta name="description" content="Acme Robotics builds autonomous warehouse robots.">
  <meta property="og:site_name" content="Acme Robotics">
  <meta property="og:title" content="Acme Robotics">
  <meta property="og:image" content="https://acme.example/og.png">
  <script type="application/ld+json">
  {"@context":"https://schema.org","@graph":[
    {"@type":"Organization","name":"Acme Robotics GmbH","url":"https://acme.example",
     "foundingDate":"2015","numberOfEmployees":{"@type":"QuantitativeValue","value":120},
     "address":{"@type":"PostalAddress","streetAddress":"Hauptstr. 1","postalCode":"10115","addressLocality":"Berlin","addressCountry":"DE"},
     "telephone":"+49 30 1234567",
     "sameAs":["https://www.linkedin.com/company/acme-robotics","https://twitter.com/acmerobotics"]},
    {"@type":"WebSite","name":"Acme"}
  ]}
  </script>
  <script type="application/ld+json">{ not json </script>
  <script>document.write("<p>injected</p>"); fetch("http://10.0.0.1/steal")</script>
  <style>body { color: red }</style>
</head><body>
  <nav><a href="/about">About us</a> <a href="/team">Our team</a> <a href="/contact">Contact</a>
    <a href="/blog/2019/old-post">Blog</a> <a href="/brochure.pdf">Brochure (about)</a>
    <a href="https://elsewhere.example/about">Partner</a> <a href="mailto:hello@acme.example">Mail us</a>
    <a href="tel:+4930123456">Call</a> <a href="javascript:alert(1)">x</a></nav>
  <main><h1>Robots for every warehouse</h1><p>Acme Robotics makes autonomous mobile robots for logistics.</p>
  <p>Write to sales@acme.example or press@other.example.</p></main>
</body></html>`

export const acmeTeam = `<html><head><title>Our team – Acme Robotics</title></head><body>
  <h1>Meet the team</h1>
  <div class="person"><h3>Ada Lovelace</h3><p>Chief Technology Officer</p></div>
  <div class="person"><h3>Grace Hopper</h3><p>VP Engineering</p></div>
  <div class="person"><h3>Our Values</h3><p>Head of nothing, we are a team</p></div>
  <ul><li><strong>Alan Turing</strong><span>Head of Research</span></li></ul>
  <p>Reach Ada at ada.lovelace@acme.example.</p>
</body></html>`

export const acmeAbout = `<html><head><title>About Acme</title></head><body>
  <h1>About</h1><p>Founded in Berlin in 2015, Acme Robotics employs 120 people.</p></body></html>`

export const acmeContact = `<html><head><title>Contact</title></head><body>
  <p>Acme Robotics GmbH, Hauptstr. 1, 10115 Berlin</p><a href="mailto:info@acme.example">info@acme.example</a></body></html>`

export const acmeSitemap = `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://acme.example/</loc></url>
  <url><loc>https://acme.example/careers</loc></url>
  <url><loc>https://acme.example/legal/imprint</loc></url>
</urlset>`
