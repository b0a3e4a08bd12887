console.log('gossip');
