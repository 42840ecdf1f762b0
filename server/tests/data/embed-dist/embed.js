/* zapis embed (test fixture) */ console.log("zapis embedded");
